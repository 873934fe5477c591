import type { Metadata } from "next";
import Link from "next/link";
import { requirePageActor } from "@/app/_server/page-guard";
import { readingFromReplica } from "@/app/_server/read-scope";
import { PageHeader } from "@/components/ui/page-header";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import { getOutboundSummary } from "@/lib/outbound/summary";

export const metadata: Metadata = { title: "Overview" };
export const dynamic = "force-dynamic";

const SEVERITIES = ["critical", "high", "medium", "low"] as const;

async function OverviewPageContent() {
  const ctx = await requirePageActor("console.read", "/");
  const { actor } = ctx;
  const outbound = await getOutboundSummary({ ctx });
  const unresolved = SEVERITIES.reduce((sum, severity) => sum + (outbound.unresolvedAlerts[severity] ?? 0), 0);
  const unhealthy = outbound.destinations ? (outbound.destinations.paused ?? 0) + (outbound.destinations.retrying ?? 0) : 0;
  return (
    <>
      <PageHeader title="Overview" description={`Signed in as ${actor.email} (${ROLE_LABELS[actor.role]}).`} />
      <div className="grid-cards">
        <section className="card">
          <h2>Inventory</h2>
          <p>Which agents exist, who owns each, and what each may do.</p>
          <Link href="/agents">Open agents</Link>
        </section>
        <section className="card">
          <h2>Live decisions</h2>
          <p>Every allow, deny and approval your enforcement points report.</p>
          <Link href="/decisions">Open decisions</Link>
        </section>
        <section className="card">
          <h2>Policy</h2>
          <p>Cedar policies, tested and replayed before they reach an enforcement point.</p>
          <Link href="/policies">Open policies</Link>
        </section>
        <section className="card">
          <h2>Frameworks</h2>
          <p>How your agents hold up against OWASP, CSA MAESTRO and NIST.</p>
          <Link href="/frameworks">Open frameworks</Link>
        </section>
        <section className="card" aria-labelledby="overview-alerts">
          <h2 id="overview-alerts">Alerts</h2>
          {unresolved === 0 ? (
            <p>No unresolved alert.</p>
          ) : (
            <p>
              <Link href="/alerts">{unresolved} unresolved</Link>:{" "}
              {SEVERITIES.filter((severity) => outbound.unresolvedAlerts[severity]).map((severity) => `${outbound.unresolvedAlerts[severity]} ${severity}`).join(", ")}
            </p>
          )}
          {outbound.destinations ? (
            <p>
              Destinations:{" "}
              {Object.keys(outbound.destinations).length === 0 ? (
                <Link href="/alerts/destinations">none yet — send events to your SIEM</Link>
              ) : (
                <Link href="/alerts/destinations">
                  {Object.entries(outbound.destinations)
                    .map(([state, count]) => `${count} ${state}`)
                    .join(", ")}
                </Link>
              )}
              {unhealthy ? <span className="badge danger"> {unhealthy} need attention</span> : null}
            </p>
          ) : null}
        </section>
      </div>
    </>
  );
}

/** Reads from the read replica when one is configured and close enough (docs/operations.md, *Read replica*). */
export default async function OverviewPage() {
  return readingFromReplica(() => OverviewPageContent());
}
