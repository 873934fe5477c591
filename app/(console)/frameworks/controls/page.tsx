import type { Metadata } from "next";
import Link from "next/link";
import { requirePageActor } from "@/app/_server/page-guard";
import { ActionForm } from "@/components/ui/action-form";
import { ProvenanceNote } from "@/components/frameworks/provenance-note";
import { StatusBadge } from "@/components/frameworks/status-badge";
import { PageHeader } from "@/components/ui/page-header";
import { hasPermission } from "@/lib/auth/require-permission";
import { provenanceMarks } from "@/lib/frameworks/provenance";
import { readAlignment, readControls, readFrameworks } from "@/lib/frameworks/read-frameworks";
import { attestEvidenceAction, reviewEvidenceAction } from "../actions";

export const metadata: Metadata = { title: "Control library" };
export const dynamic = "force-dynamic";

const DAYS = 30;

export default async function ControlsPage() {
  const ctx = await requirePageActor("frameworks.read", "/frameworks/controls");
  const { controls, mappings, manualEvidence } = await readControls({ ctx });
  const frameworks = await readFrameworks({ ctx });
  const names = new Map(frameworks.map((framework) => [framework.id, framework.shortName]));
  const alignment = frameworks.length ? await readAlignment({ ctx, frameworkIds: [frameworks[0]!.id], scope: { kind: "all" }, days: DAYS }) : null;
  const results = new Map((alignment?.controls ?? []).map((control) => [control.controlId, control]));
  const canEdit = hasPermission(ctx.actor, "frameworks.manage");
  const actorUserId = ctx.actor.type === "user" ? ctx.actor.userId : null;
  const today = new Date();
  const defaultExpiry = new Date(today.getTime() + 365 * 86_400_000).toISOString().slice(0, 10);
  return (
    <>
      <PageHeader title="Control library" description={`Steward's checkable controls, their live status over the last ${DAYS} days for all agents, and the framework items each one maps to.`} actions={<Link className="button" href="/frameworks">All frameworks</Link>} />
      {controls.map((control) => {
        const result = results.get(control.id);
        const mapped = mappings.filter((mapping) => mapping.controlId === control.id);
        const evidence = manualEvidence.filter((row) => row.controlId === control.id);
        return (
          <section key={control.id} className="card" aria-labelledby={`ctl-${control.id}`}>
            <h2 id={`ctl-${control.id}`}>
              {result ? <StatusBadge status={result.status} /> : null} {control.title}
            </h2>
            <p className="muted small">
              <span className="mono">{control.id}</span> · {control.evidenceKind === "automated" ? "automated evidence from live data" : "manual evidence"}
            </p>
            <p>{control.description}</p>
            {result ? <p className="small">{result.summary}</p> : null}
            <details>
              <summary>Mapped to {mapped.length} framework items</summary>
              <ul className="small mapping-list">
                {mapped.map((mapping) => (
                  <li key={`${mapping.frameworkId}/${mapping.itemId}`} data-mapping={`${mapping.frameworkId}/${mapping.itemId}`}>
                    {names.get(mapping.frameworkId) ?? mapping.frameworkId}{" "}
                    <Link href={`/frameworks/${mapping.frameworkId}#item-${encodeURIComponent(mapping.itemId)}`}>{mapping.itemId}</Link>
                    {mapping.itemTitle ? <> {mapping.itemTitle}</> : null}
                    <ProvenanceNote marks={provenanceMarks(mapping.idOrigin ?? undefined, mapping.titleOrigin ?? undefined)} />
                    {mapping.origin === "custom" ? <strong> · custom mapping</strong> : null}
                    <div className="muted">Why it maps: {mapping.rationale || "no rationale recorded"}</div>
                  </li>
                ))}
              </ul>
            </details>
            {control.evidenceKind === "manual" ? (
              <>
                {evidence.length ? (
                  <ul className="small">
                    {evidence.map((row) => (
                      <li key={row.id}>
                        {row.url ? <a href={row.url}>{row.url}</a> : row.fileName} — {row.attestation} (attested by {row.attestedBy}, until {row.expiresAt.toISOString().slice(0, 10)})
                        {row.fileSha256 ? (
                          <>
                            {" "}
                            · {row.fileSizeBytes} bytes, SHA-256 <span className="mono">{row.fileSha256}</span>
                          </>
                        ) : null}
                        {" · "}
                        {row.reviewStatus === "reviewed" ? (
                          <span>reviewed by {row.reviewedBy}{row.reviewedAt ? ` on ${row.reviewedAt.toISOString().slice(0, 10)}` : ""}</span>
                        ) : (
                          <span className="muted">awaiting review by a second person (does not count yet)</span>
                        )}
                        {canEdit && row.reviewStatus === "pending" && row.attestedById !== `user:${actorUserId}` ? (
                          <ActionForm action={reviewEvidenceAction} hidden={{ evidenceId: row.id }} submitLabel="Confirm as reviewer" successMessage="Evidence reviewed." />
                        ) : null}
                      </li>
                    ))}
                  </ul>
                ) : (
                  <p className="muted small">No evidence yet: {canEdit ? "attest a document link below." : "a security engineer attests it."}</p>
                )}
                {canEdit ? (
                  <ActionForm browserValidation label={false} pendingLabel="Saving…" action={attestEvidenceAction} hidden={{ controlId: control.id }} submitLabel="Attest evidence" className="stack" successTone="quiet" successMessage="Evidence recorded.">
                    <div className="field">
                      <label htmlFor={`url-${control.id}`}>Evidence link</label>
                      <input id={`url-${control.id}`} name="url" type="url" placeholder="https://…" required />
                    </div>
                    <div className="field">
                      <label htmlFor={`attestation-${control.id}`}>Attestation: what this evidence shows</label>
                      <input id={`attestation-${control.id}`} name="attestation" required minLength={10} />
                    </div>
                    <div className="field">
                      <label htmlFor={`expires-${control.id}`}>Valid until</label>
                      <input id={`expires-${control.id}`} name="expiresAt" type="date" defaultValue={defaultExpiry} required />
                    </div>
                  </ActionForm>
                ) : null}
              </>
            ) : null}
          </section>
        );
      })}
    </>
  );
}
