import Link from "next/link";
import type { OutboundSummary } from "@/lib/outbound/summary";
import { Ago } from "./ago";
import { formatCount, Stat } from "./stat";

const SEVERITIES = ["critical", "high", "medium", "low"] as const;

/** What waits for a person: pending access requests and unresolved alerts (with outbound destinations' health). */
export function AttentionCard({ approvals, alerts, now }: { approvals: { pending: number; oldestAt: Date | null } | null; alerts: OutboundSummary | null; now: Date }) {
  const unresolved = alerts ? SEVERITIES.reduce((sum, severity) => sum + (alerts.unresolvedAlerts[severity] ?? 0), 0) : 0;
  const unhealthy = alerts?.destinations ? (alerts.destinations.paused ?? 0) + (alerts.destinations.retrying ?? 0) : 0;
  return (
    <section className="card overview-card" aria-labelledby="overview-attention">
      <h2 id="overview-attention">Waiting for someone</h2>
      <div className="stat-row">
        {approvals ? (
          <Stat
            value={formatCount(approvals.pending)}
            label="pending approvals"
            href="/approvals"
            tone={approvals.pending ? "warn" : undefined}
            detail={approvals.oldestAt ? <>oldest <Ago at={approvals.oldestAt} now={now} /></> : undefined}
          />
        ) : null}
        {alerts ? (
          <Stat
            value={formatCount(unresolved)}
            label="unresolved alerts"
            href="/alerts"
            tone={alerts.unresolvedAlerts.critical || alerts.unresolvedAlerts.high ? "danger" : unresolved ? "warn" : undefined}
            detail={unresolved ? SEVERITIES.filter((severity) => alerts.unresolvedAlerts[severity]).map((severity) => `${alerts.unresolvedAlerts[severity]} ${severity}`).join(", ") : undefined}
          />
        ) : null}
      </div>
      {alerts?.destinations ? (
        <p>
          Destinations:{" "}
          {Object.keys(alerts.destinations).length === 0 ? (
            <Link href="/alerts/destinations">none yet — send events to your SIEM</Link>
          ) : (
            <Link href="/alerts/destinations">
              {Object.entries(alerts.destinations)
                .map(([state, count]) => `${count} ${state}`)
                .join(", ")}
            </Link>
          )}
          {unhealthy ? <span className="badge danger"> {unhealthy} need attention</span> : null}
        </p>
      ) : null}
      {approvals && approvals.pending === 0 && unresolved === 0 ? <p className="muted">Nothing waits: no pending access request and no unresolved alert.</p> : null}
    </section>
  );
}
