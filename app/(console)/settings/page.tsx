import type { Metadata } from "next";
import { requirePageActor } from "@/app/_server/page-guard";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { listOwnApiTokens } from "@/lib/api-tokens/api-tokens";
import { hasPermission } from "@/lib/auth/require-permission";
import { getSettings } from "@/lib/settings/settings";
import { SettingsForm } from "@/components/settings/settings-form";
import { CreateTokenForm, RevokeTokenButton } from "@/components/settings/token-forms";
import { createApiTokenAction, revokeApiTokenAction, updateSettingsAction } from "./actions";

export const metadata: Metadata = { title: "Settings" };

const day = (date: Date | null) => (date ? date.toISOString().slice(0, 10) : "—");

export default async function SettingsPage() {
  const ctx = await requirePageActor("settings.read", "/settings");
  const [tokens, settings] = await Promise.all([listOwnApiTokens({ ctx }), getSettings()]);
  return (
    <>
      <PageHeader title="Settings" description="Your API tokens and console-wide settings." />
      <section className="card" aria-labelledby="tokens-heading">
        <h2 id="tokens-heading">Personal API tokens</h2>
        <p className="muted">
          Use a token as <code>Authorization: Bearer &lt;token&gt;</code> on any <code>/api/v1</code> route; it acts with your role.
        </p>
        <CreateTokenForm createToken={createApiTokenAction} />
        {tokens.length === 0 ? (
          <EmptyState title="No tokens yet">Create one above for scripts and infrastructure-as-code.</EmptyState>
        ) : (
          <DataTable
            style={{ marginTop: "1rem" }}
            rows={tokens}
            rowKey={(token) => token.id}
            columns={[
              { header: "Name", cell: (token) => token.name },
              { header: "Prefix", className: "mono", cell: (token) => <>{token.prefix}…</> },
              { header: "Created", cell: (token) => day(token.createdAt) },
              { header: "Expires", cell: (token) => day(token.expiresAt) },
              { header: "Last used", cell: (token) => day(token.lastUsedAt) },
              { header: "Status", cell: (token) => <span className={`badge ${token.status === "active" ? "ok" : "danger"}`}>{token.status}</span> },
              {
                header: <span className="visually-hidden">Actions</span>,
                cell: (token) => (token.status === "active" ? <RevokeTokenButton tokenId={token.id} name={token.name} revokeToken={revokeApiTokenAction} /> : null),
              },
            ]}
          />
        )}
      </section>
      <section className="card" aria-labelledby="console-settings">
        <h2 id="console-settings">Console settings</h2>
        {hasPermission(ctx.actor, "settings.manage") ? (
          <SettingsForm settings={settings} updateSettings={updateSettingsAction} />
        ) : (
          <dl>
            <dt>Keep decisions for</dt>
            <dd>{settings.decisionRetentionDays} days</dd>
            <dt>Agent is stale after</dt>
            <dd>{settings.staleAgentDays} days</dd>
            <dt>Owners re-attest every</dt>
            <dd>{settings.attestationIntervalDays} days</dd>
            <dt>Longest acceptable credential lifetime</dt>
            <dd>{settings.maxCredentialLifetimeSeconds} seconds</dd>
            <dt>Four-eyes policy approval</dt>
            <dd>{settings.requirePolicyApproval ? "Required" : "Not required"}</dd>
          </dl>
        )}
      </section>
    </>
  );
}
