import { readPageQuery } from "@/lib/http/query";
import type { Metadata } from "next";
import Link from "next/link";
import { requirePageActor } from "@/app/_server/page-guard";
import { DataTable } from "@/components/ui/data-table";
import { EntityRef } from "@/components/ui/entity-ref";
import { EmptyState } from "@/components/ui/empty-state";
import { formatUtc } from "@/components/ui/format-utc";
import { PageHeader } from "@/components/ui/page-header";
import { listHref, tableSort } from "@/components/ui/table-sort";
import { listTasks, ListTasksQuery } from "@/lib/identity/tasks-view";

export const metadata: Metadata = { title: "Tasks" };
export const dynamic = "force-dynamic";

const STATE_BADGE = { live: "ok", idle: "muted", ended: "warn" } as const;

export default async function Page({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requirePageActor("identity.read", "/tasks");
  const params = await searchParams;
  const query = readPageQuery(params, ListTasksQuery);
  const tasks = await listTasks({ ctx, query });
  return (
    <>
      <PageHeader title="Tasks" description="Every task Steward issued tokens for: its purpose, who started it, and the agents it was delegated to." />
      <nav aria-label="Filter tasks" className="inline" style={{ marginBottom: "1rem" }}>
        {(["all", "live", "ended"] as const).map((status) => (
          <Link key={status} href={listHref("/tasks", params, { status })} aria-current={query.status === status ? "page" : undefined} style={{ marginRight: "1rem" }}>
            {status === "all" ? "All recent" : status === "live" ? "Live" : "Ended or expired"}
          </Link>
        ))}
      </nav>
      {tasks.length === 0 ? (
        <EmptyState title="No task yet">
          Agents get task tokens from <code>POST /oauth/token</code> (RFC 8693 token exchange) with their JWT-SVID or client assertion; each exchange that starts work creates a task here. Register the agents&apos; trust domain on the Identity page first; docs/identity.md has curl examples.
        </EmptyState>
      ) : (
        <DataTable
          card
          caption="Tasks"
          rows={tasks}
          rowKey={(task) => task.id}
          sort={tableSort("/tasks", query.sort, params)}
          columns={[
            {
              header: "Purpose",
              sortKey: "purpose",
              rowHeader: true,
              cell: (task) => (
                <>
                  <Link href={`/tasks/${encodeURIComponent(task.id)}`}>{task.purpose}</Link>
                  <div className="muted mono">{task.id}</div>
                </>
              ),
            },
            { header: "State", cell: (task) => <span className={`badge ${STATE_BADGE[task.state]}`}>{task.state}</span> },
            { header: "Initiator", cell: (task) => `${task.initiatorType === "person" ? "person" : "agent"} · ${task.initiatorType === "agent" ? (task.rootAgentName ?? task.initiator) : task.initiator}` },
            { header: "Agent", sortKey: "agent", cell: (task) => <EntityRef kind="agent" id={task.rootAgentId} name={task.rootAgentName} /> },
            { header: "Tokens", sortKey: "tokens", cell: (task) => task.tokens },
            { header: "Started", sortKey: "created", cell: (task) => <time dateTime={task.createdAt.toISOString()}>{formatUtc(task.createdAt, "second")} UTC</time> },
            { header: "Tokens expire", sortKey: "expires", cell: (task) => <time dateTime={task.tokensExpireAt.toISOString()}>{formatUtc(task.tokensExpireAt, "second")} UTC</time> },
          ]}
        />
      )}
    </>
  );
}
