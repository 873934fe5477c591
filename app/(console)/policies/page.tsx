import type { Metadata } from "next";
import { requirePageActor } from "@/app/_server/page-guard";
import { PolicyStudio } from "@/components/policies/policy-studio";
import { STUDIO_TAB_SLUGS } from "@/components/policies/studio-tabs";
import { PageHeader } from "@/components/ui/page-header";
import { hasPermission } from "@/lib/auth/require-permission";
import { readPageQuery } from "@/lib/http/query";
import { ListPolicyVersionsQuery } from "@/lib/policies/schemas";
import { POLICY_TEMPLATES } from "@/lib/policies/templates";
import { testFromDecision, type TestSeed } from "@/lib/policies/test-from-decision";
import { z } from "zod";

/**
 * `?policy=pol_…` opens that draft policy (links from frameworks and elsewhere: components/ui/entity-links.ts);
 * `?fromEp=…&fromDecision=…` opens the Tests tab with a test prefilled from that recorded decision;
 * `?tab=` opens a tab (tests, review, replay, usage, schema; none: Policies); Review and publish's Versions table
 * the server orders by `?sort=` (as GET /api/v1/policies/versions).
 */
const PoliciesPageQuery = z.strictObject({
  policy: z.string().min(1).max(200).optional(),
  fromEp: z.string().min(1).max(200).optional(),
  fromDecision: z.string().min(1).max(500).optional(),
  tab: z.enum(STUDIO_TAB_SLUGS).optional(),
  sort: ListPolicyVersionsQuery.shape.sort,
});

export const metadata: Metadata = { title: "Policies" };

export default async function Page({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requirePageActor("policies.read", "/policies");
  const { actor } = ctx;
  const query = readPageQuery(await searchParams, PoliciesPageQuery);
  const source = query.fromEp && query.fromDecision ? { enforcementPointId: query.fromEp, decisionId: query.fromDecision } : null;
  const testSeed: TestSeed | undefined = source
    ? await testFromDecision({ ctx, input: source }).catch((error: Error) => ({ ok: false as const, message: error.message, source }))
    : undefined;
  const permissions = {
    canWrite: hasPermission(actor, "policies.write"),
    canPublish: hasPermission(actor, "policies.publish"),
    canApprove: hasPermission(actor, "policies.approve"),
    canManageSchema: hasPermission(actor, "policies.manage_schema"),
  };
  return (
    <>
      <PageHeader title="Policies" description="Cedar policies: written, tested, replayed against recorded traffic, reviewed and published." />
      <PolicyStudio templates={POLICY_TEMPLATES} permissions={permissions} initialPolicyId={query.policy} testSeed={testSeed} initialTab={query.tab} versionSort={query.sort} />
    </>
  );
}
