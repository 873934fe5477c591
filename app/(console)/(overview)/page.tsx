import type { Metadata } from "next";
import { requirePageActor } from "@/app/_server/page-guard";
import { readingFromReplica } from "@/app/_server/read-scope";
import { AgentsCard } from "@/components/overview/agents-card";
import { AttentionCard } from "@/components/overview/attention-card";
import { ComplianceCard } from "@/components/overview/compliance-card";
import { DecisionsCard } from "@/components/overview/decisions-card";
import { EnforcementPointsCard } from "@/components/overview/enforcement-points-card";
import { FindingsCard } from "@/components/overview/findings-card";
import { TopAgentsCard } from "@/components/overview/top-agents-card";
import { PageHeader } from "@/components/ui/page-header";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import { hasPermission } from "@/lib/auth/require-permission";
import { readPageQuery } from "@/lib/http/query";
import { OUTCOME_VALUES } from "@/lib/decisions/schemas";
import { FINDING_LABELS } from "@/lib/findings/schemas";
import { getOverview, RANKING_DAYS } from "@/lib/overview/overview";
import { OverviewQuery, QUICK_RANGE_KEYS, QUICK_RANGES } from "@/lib/overview/ranges";

const RANGES = QUICK_RANGE_KEYS.map((key) => ({ key, label: QUICK_RANGES[key].label }));

export const metadata: Metadata = { title: "Overview" };
export const dynamic = "force-dynamic";

async function OverviewPageContent({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requirePageActor("console.read", "/");
  const { actor } = ctx;
  const { range } = readPageQuery(await searchParams, OverviewQuery);
  const overview = await getOverview({ ctx, range });
  const { now } = overview;
  return (
    <>
      <PageHeader title="Overview" description={`Are we OK? Signed in as ${actor.email} (${ROLE_LABELS[actor.role]}). Every number opens the list behind it.`} />
      <div className="overview-grid">
        <AttentionCard approvals={overview.approvals} alerts={overview.alerts} now={now} />
        {overview.agents ? <AgentsCard agents={overview.agents} /> : null}
        {overview.decisions ? <DecisionsCard decisions={overview.decisions} now={now} outcomes={OUTCOME_VALUES} ranges={RANGES} /> : null}
        {overview.findings ? <FindingsCard open={overview.findings.open} trend={overview.findings.trend} labels={FINDING_LABELS} /> : null}
        {overview.topDenies && overview.topOutOfScope ? <TopAgentsCard denies={overview.topDenies} outOfScope={overview.topOutOfScope} now={now} days={RANKING_DAYS} /> : null}
        {overview.enforcementPoints ? <EnforcementPointsCard points={overview.enforcementPoints.points} currentRevision={overview.enforcementPoints.currentRevision} now={now} /> : null}
        <ComplianceCard coverage={overview.coverage} changes={overview.changes} now={now} canReadReports={hasPermission(actor, "reports.read")} />
      </div>
    </>
  );
}

/** Reads from the read replica when one is configured and close enough (docs/operations.md, *Read replica*). */
export default async function OverviewPage(props: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  return readingFromReplica(() => OverviewPageContent(props));
}
