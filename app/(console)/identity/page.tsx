import type { Metadata } from "next";
import { requirePageActor } from "@/app/_server/page-guard";
import { DataTable } from "@/components/ui/data-table";
import { formatUtc } from "@/components/ui/format-utc";
import { PageHeader } from "@/components/ui/page-header";
import { hasPermission } from "@/lib/auth/require-permission";
import { ASYMMETRIC_ALGS } from "@/lib/identity/constants";
import { listSecrets } from "@/lib/identity/secret-store";
import { publishedJwks } from "@/lib/identity/signing-keys";
import { listTrustDomains } from "@/lib/identity/trust-domains";
import { RotateKeyForm, SecretForm, TrustDomainForm } from "@/components/identity/identity-forms";
import { createTrustDomainAction, rotateSigningKeyAction, saveSecretAction } from "./actions";

export const metadata: Metadata = { title: "Identity" };
export const dynamic = "force-dynamic";

const at = (date: Date | null) => (date ? <time dateTime={date.toISOString()}>{formatUtc(date, "second")} UTC</time> : <span className="muted">never</span>);

export default async function Page() {
  const ctx = await requirePageActor("identity.read", "/identity");
  const canManage = hasPermission(ctx.actor, "identity.manage");
  const canManageSecrets = hasPermission(ctx.actor, "secrets.manage");
  const [domains, jwks, secrets] = await Promise.all([listTrustDomains({ ctx }), publishedJwks(), listSecrets({ ctx })]);
  return (
    <>
      <PageHeader title="Identity" description="Steward as the token service: the trust domains whose SVIDs it accepts, the keys it signs task tokens with, and the secrets it releases just in time." />
      <section className="card" aria-labelledby="h-domains">
        <h2 id="h-domains">Trust domains</h2>
        <DataTable
          caption="Registered SPIFFE trust domains"
          rows={domains}
          rowKey={(domain) => domain.id}
          empty="No trust domain: agents can only authenticate with keys registered on them (private_key_jwt). Register your SPIFFE trust domain to accept its JWT-SVIDs."
          columns={[
            { header: "Trust domain", rowHeader: true, className: "mono", cell: (domain) => domain.name },
            { header: "Source", cell: (domain) => (domain.url ? <>{domain.source} <span className="muted mono">{domain.url}</span></> : "uploaded JWKS") },
            { header: "Keys", className: "mono", cell: (domain) => domain.keyIds.join(", ") || <span className="badge danger">no key</span> },
            { header: "Algorithms", className: "mono", cell: (domain) => domain.allowedAlgs.join(", ") },
            { header: "Last fetched", cell: (domain) => (domain.url ? <>{at(domain.lastFetchedAt)}{domain.lastFetchError ? <div className="notice error">Last fetch failed: {domain.lastFetchError} (keeping the last good bundle)</div> : null}</> : <span className="muted">—</span>) },
          ]}
        />
        {canManage ? <TrustDomainForm algs={ASYMMETRIC_ALGS} createTrustDomain={createTrustDomainAction} /> : null}
      </section>
      <section className="card" aria-labelledby="h-keys">
        <h2 id="h-keys">Task-token signing keys</h2>
        <p className="muted">Published at <code>/oauth/jwks</code>. A new key is published before it signs; the old one stays until its last token has expired.</p>
        <ul className="mono">
          {jwks.keys.map((key) => (
            <li key={key.kid}>{key.kid} ({key.alg})</li>
          ))}
        </ul>
        {canManage ? <RotateKeyForm rotateSigningKey={rotateSigningKeyAction} /> : null}
      </section>
      <section className="card" aria-labelledby="h-secrets">
        <h2 id="h-secrets">Just-in-time secrets</h2>
        <p className="muted">Sealed with AES-256-GCM; released only to an enforcement point that serves the task token&apos;s audience (its Audiences, on Enforcement points), for a live task token whose scope carries the upstream. Values are never shown.</p>
        <DataTable
          caption="Stored secrets"
          rows={secrets}
          rowKey={(secret) => secret.id}
          empty="No secret stored. Store downstream API keys here so agents never hold them."
          columns={[
            { header: "Name", rowHeader: true, className: "mono", cell: (secret) => secret.name },
            { header: "Upstream", className: "mono", cell: (secret) => secret.upstream },
            { header: "Audience", className: "mono", cell: (secret) => secret.audience ?? <span className="muted">any</span> },
            { header: "Updated", cell: (secret) => at(secret.updatedAt) },
          ]}
        />
        {canManageSecrets ? <SecretForm saveSecret={saveSecretAction} /> : null}
      </section>
    </>
  );
}
