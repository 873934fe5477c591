import Link from "next/link";
import { formatUtc } from "@/components/ui/format-utc";
import { countNoun } from "@/components/ui/count-noun";
import type { listAgentKeys } from "@/lib/identity/agent-keys";
import type { observedCredentialPosture } from "@/lib/identity/tasks-view";

export const POSTURE_WINDOW_DAYS = 30;
const WINDOW_DAYS = POSTURE_WINDOW_DAYS;

/** The agent's credential posture as observed by the token service (not as declared), its identities, keys and releases. */
export function CredentialPosture({
  agentId,
  declaredKind,
  posture,
  keys,
}: {
  agentId: string;
  declaredKind: string | null;
  posture: Awaited<ReturnType<typeof observedCredentialPosture>>;
  keys: Awaited<ReturnType<typeof listAgentKeys>>;
}) {
  const minutes = posture.longestLifetimeSeconds === null ? null : Math.round(posture.longestLifetimeSeconds / 60);
  return (
    <section className="card" aria-labelledby="h-credentials">
      <h2 id="h-credentials">Credential posture (observed)</h2>
      <p>
        {posture.posture === "task_tokens" ? (
          <>
            <span className="badge ok">task tokens</span> {countNoun(posture.tokens, "task token")} in the last {WINDOW_DAYS} days, each living at most {minutes} min; widest scope {posture.widestScope} {posture.widestScope === 1 ? "entry" : "entries"}.{" "}
            <Link href={`/tasks?agentId=${encodeURIComponent(agentId)}`}>Its tasks</Link>
          </>
        ) : posture.posture === "mixed" ? (
          <>
            <span className="badge danger">task tokens and a standing credential</span> {countNoun(posture.tokens, "task token")} in the last {WINDOW_DAYS} days, each living at most {minutes} min — but {posture.decisionsWithoutTaskToken} of its {countNoun(posture.enforcementDecisions, "decision")} carried no task token: it still holds a static key or another long-lived credential.{" "}
            <Link href={`/tasks?agentId=${encodeURIComponent(agentId)}`}>Its tasks</Link>
          </>
        ) : posture.posture === "standing" ? (
          <>
            <span className="badge danger">standing credential</span> It acted in {countNoun(posture.enforcementDecisions, "decision")} in the last {WINDOW_DAYS} days without any Steward task token: it holds a static key or another long-lived credential.
          </>
        ) : (
          <>
            <span className="badge muted">nothing observed</span> No task token and no decision in the last {WINDOW_DAYS} days.
          </>
        )}{" "}
        <span className="muted">Declared: {declaredKind ?? "not declared"}.</span>
      </p>
      <h3>Identities presented</h3>
      {posture.identities.length ? (
        <ul className="mono">
          {posture.identities.map((identity) => (
            <li key={`${identity.authMethod}/${identity.identity}`}>
              {identity.authMethod}: {identity.identity}
              {identity.trustDomain ? ` (trust domain ${identity.trustDomain})` : ""} — last {formatUtc(identity.last, "second")} UTC
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">None yet.</p>
      )}
      <h3>Registered keys (private_key_jwt)</h3>
      {keys.length ? (
        <ul className="mono">
          {keys.map((key) => (
            <li key={key.id}>
              {key.kid} ({key.alg}){key.revokedAt ? " — revoked" : ""}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">None. Register one with POST /api/v1/agents/{agentId}/keys when the agent has no SPIFFE identity.</p>
      )}
      <h3>Secret releases</h3>
      {posture.releases.length ? (
        <ul>
          {posture.releases.map((release) => (
            <li key={release.id}>
              {release.secretName} ({release.released}) for task <Link href={`/tasks/${encodeURIComponent(release.taskId)}`}>{release.taskId}</Link> — {formatUtc(release.at, "second")} UTC
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No secret released for this agent.</p>
      )}
    </section>
  );
}
