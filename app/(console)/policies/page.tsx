import type { Metadata } from "next";
import { requirePageActor } from "@/app/_server/page-guard";
import { PolicyStudio } from "@/components/policies/policy-studio";
import { PageHeader } from "@/components/ui/page-header";
import { hasPermission } from "@/lib/auth/require-permission";
import { POLICY_TEMPLATES } from "@/lib/policies/templates";

export const metadata: Metadata = { title: "Policies" };

export default async function Page() {
  const { actor } = await requirePageActor("policies.read", "/policies");
  const permissions = {
    canWrite: hasPermission(actor, "policies.write"),
    canPublish: hasPermission(actor, "policies.publish"),
    canApprove: hasPermission(actor, "policies.approve"),
    canManageSchema: hasPermission(actor, "policies.manage_schema"),
  };
  return (
    <>
      <PageHeader title="Policies" description="Cedar policies: written, tested, replayed against recorded traffic, reviewed and published." />
      <PolicyStudio templates={POLICY_TEMPLATES} permissions={permissions} />
    </>
  );
}
