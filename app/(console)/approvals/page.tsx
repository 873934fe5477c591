import { z } from "zod";
import { readPageQuery } from "@/lib/http/query";
import type { Metadata } from "next";
import { requirePageActor } from "@/app/_server/page-guard";
import { ApprovalsInbox } from "@/components/approvals/inbox";
import { WebhooksPanel } from "@/components/approvals/webhooks";
import { PageHeader } from "@/components/ui/page-header";
import { hasPermission } from "@/lib/auth/require-permission";

export const metadata: Metadata = { title: "Approvals" };
export const dynamic = "force-dynamic";

/** `request`: the access request to open (a link from a notification); `view=history`: the History tab. */
const ApprovalsPageQuery = z.object({ request: z.string().min(1).max(64).optional(), view: z.enum(["pending", "history"]).optional() });

export default async function Page({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requirePageActor("approvals.read", "/approvals");
  const { request, view } = readPageQuery(await searchParams, ApprovalsPageQuery);
  return (
    <>
      <PageHeader title="Approvals" description="Calls that a requestable policy holds until a person approves. Yours first; every decision is audited." />
      <ApprovalsInbox initialRequest={typeof request === "string" ? request : null} view={view ?? "pending"} />
      <WebhooksPanel canManage={hasPermission(ctx.actor, "approvals.manage_webhooks")} />
    </>
  );
}
