import type { Metadata } from "next";
import { requirePageActor } from "@/app/_server/page-guard";
import { PolicyStudio } from "@/components/policies/policy-studio";
import { PageHeader } from "@/components/ui/page-header";
import { hasPermission } from "@/lib/auth/require-permission";
import { readPageQuery } from "@/lib/http/query";
import { POLICY_TEMPLATES } from "@/lib/policies/templates";
import { z } from "zod";

/** `?policy=pol_…` opens that draft policy (links from frameworks and elsewhere: components/ui/entity-links.ts). */
const PoliciesPageQuery = z.strictObject({ policy: z.string().min(1).max(200).optional() });

export const metadata: Metadata = { title: "Policies" };

export default async function Page({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { actor } = await requirePageActor("policies.read", "/policies");
  const query = readPageQuery(await searchParams, PoliciesPageQuery);
  const permissions = {
    canWrite: hasPermission(actor, "policies.write"),
    canPublish: hasPermission(actor, "policies.publish"),
    canApprove: hasPermission(actor, "policies.approve"),
    canManageSchema: hasPermission(actor, "policies.manage_schema"),
  };
  return (
    <>
      <PageHeader title="Policies" description="Cedar policies: written, tested, replayed against recorded traffic, reviewed and published." />
      <PolicyStudio templates={POLICY_TEMPLATES} permissions={permissions} initialPolicyId={query.policy} />
    </>
  );
}
