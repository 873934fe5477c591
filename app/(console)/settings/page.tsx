import type { Metadata } from "next";
import { requirePageActor } from "@/app/_server/page-guard";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { listOwnApiTokens } from "@/lib/api-tokens/api-tokens";
import { hasPermission } from "@/lib/auth/require-permission";
import { getSettings } from "@/lib/settings/settings";
import { SettingsForm } from "./settings-form";
import { CreateTokenForm, RevokeTokenButton } from "./token-forms";

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
        <CreateTokenForm />
        {tokens.length === 0 ? (
          <EmptyState title="No tokens yet">Create one above for scripts and infrastructure-as-code.</EmptyState>
        ) : (
          <div className="table-wrap" style={{ marginTop: "1rem" }}>
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Prefix</th>
                  <th scope="col">Created</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Status</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {tokens.map((token) => {
                  const status = token.status;
                  return (
                    <tr key={token.id}>
                      <td>{token.name}</td>
                      <td className="mono">{token.prefix}…</td>
                      <td>{day(token.createdAt)}</td>
                      <td>{day(token.expiresAt)}</td>
                      <td>{day(token.lastUsedAt)}</td>
                      <td>
                        <span className={`badge ${status === "active" ? "ok" : "danger"}`}>{status}</span>
                      </td>
                      <td>{status === "active" ? <RevokeTokenButton tokenId={token.id} name={token.name} /> : null}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section className="card" aria-labelledby="console-settings">
        <h2 id="console-settings">Console settings</h2>
        {hasPermission(ctx.actor, "settings.manage") ? (
          <SettingsForm settings={settings} />
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
