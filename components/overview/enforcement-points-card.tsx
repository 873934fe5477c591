import Link from "next/link";
import type { EnforcementPointHealth } from "@/lib/overview/overview";
import { Ago } from "./ago";
import { decisionsHref } from "./links";

const DAY_MS = 86_400_000;

/** Each enforcement point: last seen, last rejected batch, policy revision drift and (MCP gateways) spool backlog. */
export function EnforcementPointsCard({ points, currentRevision, now }: { points: EnforcementPointHealth[]; currentRevision: number | null; now: Date }) {
  const silent = points.filter((point) => point.silent).length;
  const drift = points.filter((point) => point.revisionDrift).length;
  const rejectedToday = points.filter((point) => point.lastRejectedAt && now.getTime() - point.lastRejectedAt.getTime() < DAY_MS).length;
  const backlog = points.reduce((sum, point) => sum + (point.spoolBacklog ?? 0), 0);
  return (
    <section className="card overview-card overview-wide" aria-labelledby="overview-eps">
      <h2 id="overview-eps">Enforcement points</h2>
      {points.length === 0 ? (
        <p>
          No enforcement point is registered: nothing reports decisions yet. <Link href="/enforcement-points">Register a gateway or policy engine</Link>.
        </p>
      ) : (
        <>
          <p>
            <Link href="/enforcement-points">
              {points.length} registered: {silent} silent for over an hour, {drift} on an old policy revision, {rejectedToday} with a rejected batch in the last day
            </Link>
            {currentRevision !== null ? <span className="muted"> · published revision {currentRevision}</span> : null}
            {backlog ? (
              <>
                {" "}
                · <Link href="/mcp-servers">gateway spool backlog {backlog.toLocaleString("en")}</Link>
              </>
            ) : null}
          </p>
          <div className="table-wrap">
            <table className="compact">
              <caption className="visually-hidden">Health of each enforcement point</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Last seen</th>
                  <th scope="col">Policy revision</th>
                  <th scope="col">Last rejected batch</th>
                  <th scope="col">Spool backlog</th>
                </tr>
              </thead>
              <tbody>
                {points.map((point) => (
                  <tr key={point.id}>
                    <th scope="row">
                      <Link href={decisionsHref({ from: new Date(now.getTime() - DAY_MS), to: now, ep: point.id })} title={point.id}>
                        {point.name}
                      </Link>{" "}
                      {!point.enabled ? <span className="badge">disabled</span> : null}
                    </th>
                    <td>
                      <Ago at={point.lastSeenAt} now={now} /> {point.silent ? <span className="badge warn">silent</span> : null}
                    </td>
                    <td className="mono">
                      {point.reportedPolicyRevision ?? <span className="muted">not reported</span>} {point.revisionDrift ? <span className="badge warn">behind {currentRevision}</span> : null}
                    </td>
                    <td>
                      {point.lastRejectedAt ? (
                        <span title={point.lastRejectedReason ?? undefined}>
                          <Ago at={point.lastRejectedAt} now={now} />
                        </span>
                      ) : (
                        <span className="muted">none</span>
                      )}
                    </td>
                    <td>
                      {point.spoolBacklog === null ? (
                        <span className="muted">—</span>
                      ) : (
                        <Link href="/mcp-servers">
                          {point.spoolBacklog.toLocaleString("en")}
                          {point.spoolFull ? " (full)" : ""}
                        </Link>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
