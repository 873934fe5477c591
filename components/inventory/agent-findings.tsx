import { ActionForm } from "@/components/ui/action-form";
import type { findingsOfAgent } from "@/lib/findings/dashboard";
import type { FormAction } from "@/lib/http/action-result";
import { when } from "./agent-summary";

type AgentFinding = Awaited<ReturnType<typeof findingsOfAgent>>[number] & { label: string };

/** The agent page's findings card; `manage` (resolve, accept until a date) only for those allowed. */
export function AgentFindings({ findings, defaultExpiry, manage }: { findings: AgentFinding[]; defaultExpiry: string; manage?: { resolve: FormAction; accept: FormAction } }) {
  return (
    <section className="card" aria-labelledby="h-findings">
      <h2 id="h-findings">Findings</h2>
      {findings.length === 0 ? <p className="muted">No findings for this agent.</p> : null}
      <ul className="finding-list">
        {findings.map((finding) => (
          <li key={finding.id} data-finding={finding.kind} data-status={finding.status}>
            <strong>{finding.label}</strong> <span className={`badge ${finding.status === "open" ? "danger" : ""}`}>{finding.status}</span> — {finding.detail}
            {finding.status === "accepted" ? (
              <span className="muted">
                {" "}
                (accepted until {when(finding.acceptedUntil)}: {finding.justification})
              </span>
            ) : null}
            {manage && finding.status === "open" ? (
              <div className="finding-actions">
                <ActionForm action={manage.resolve} submitLabel="Mark resolved" label={`Resolve ${finding.label}`}>
                  <input type="hidden" name="findingId" value={finding.id} />
                </ActionForm>
                <ActionForm action={manage.accept} submitLabel="Accept risk" label={`Accept ${finding.label}`} confirm="Accept this finding until the expiry date?">
                  <input type="hidden" name="findingId" value={finding.id} />
                  <div className="field">
                    <label htmlFor={`just-${finding.id}`}>Justification</label>
                    <input id={`just-${finding.id}`} name="justification" />
                  </div>
                  <div className="field">
                    <label htmlFor={`exp-${finding.id}`}>Expires</label>
                    <input id={`exp-${finding.id}`} name="expiresAt" type="date" defaultValue={defaultExpiry} />
                  </div>
                </ActionForm>
              </div>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
