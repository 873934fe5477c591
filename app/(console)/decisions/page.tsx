import type { Metadata } from "next";
import { requirePageActor } from "@/app/_server/page-guard";
import { PageHeader } from "@/components/ui/page-header";
import { DecisionFilter } from "@/lib/decisions/filters";
import { OUTCOME_VALUES } from "@/lib/decisions/schemas";
import { listEnforcementPoints } from "@/lib/enforcement-points/list-enforcement-points";
import { DecisionsNav } from "@/components/decisions/decisions-nav";
import { FilterForm } from "@/components/decisions/filter-form";
import { LiveFeed } from "@/components/decisions/live-feed";
import { readPageQuery } from "@/lib/http/query";
import { BUILT_IN_ENFORCEMENT_POINT_NAMES } from "@/db/entity-names";

export const metadata: Metadata = { title: "Decisions" };
export const dynamic = "force-dynamic";

export default async function Page({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requirePageActor("decisions.read", "/decisions");
  const filter = readPageQuery(await searchParams, DecisionFilter);
  const points = await listEnforcementPoints({ ctx });
  return (
    <>
      <PageHeader title="Decisions" description="Every allow, deny and approval decision your enforcement points report, as it happens." />
      <DecisionsNav current="/decisions" />
      <FilterForm action="/decisions" filter={filter} enforcementPoints={points} outcomes={OUTCOME_VALUES} />
      <LiveFeed key={JSON.stringify(filter)} filter={filter} epNames={{ ...Object.fromEntries(BUILT_IN_ENFORCEMENT_POINT_NAMES), ...Object.fromEntries(points.map((ep) => [ep.id, ep.name])) }} />
    </>
  );
}
