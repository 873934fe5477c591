import type { Metadata } from "next";
import { z } from "zod";
import { requirePageActor } from "@/app/_server/page-guard";
import { RegisterMcpServerForm } from "@/components/mcp-servers/register-form";
import { RemoveMcpServerButton } from "@/components/mcp-servers/remove-server-button";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { EntityRef } from "@/components/ui/entity-ref";
import { formatUtc } from "@/components/ui/format-utc";
import { RelativeTime } from "@/components/ui/relative-time";
import { PageHeader } from "@/components/ui/page-header";
import { tableSort } from "@/components/ui/table-sort";
import { DATA_SENSITIVITIES, MCP_TRANSPORTS } from "@/db/enums";
import { hasPermission } from "@/lib/auth/require-permission";
import { listGatewayStatus, listMcpServers, listToolCatalog, mcpServerOwnerNames } from "@/lib/gateway/mcp-servers";
import { ListMcpServersQuery, ToolCatalogQuery } from "@/lib/gateway/schemas";
import { readPageQuery } from "@/lib/http/query";
import { listOwnerCandidates } from "@/lib/people/owner-candidates";
import { getCurrentPolicyRevision } from "@/lib/policies/versions";
import { deleteMcpServerAction, registerMcpServerAction } from "./actions";

export const metadata: Metadata = { title: "MCP servers" };
export const dynamic = "force-dynamic";

const when = (date: Date | null) => (date ? <time dateTime={date.toISOString()}>{formatUtc(date, "second")} UTC</time> : <span className="muted">never</span>);
/** A gateway's last report: relative and ticking (is it reporting now?), the absolute UTC time in the `<time>`'s title. */
const reported = (gateway: { reportedAt: Date; silent: boolean }) => (
  <>
    <RelativeTime value={gateway.reportedAt} />
    {gateway.silent ? (
      <div>
        <span className="badge warn" title="No report for over a minute: the gateway stopped, or cannot reach the console">not reporting</span>
      </div>
    ) : null}
  </>
);
const hints = (annotations: Record<string, unknown>) =>
  Object.entries(annotations)
    .filter(([key, value]) => key.endsWith("Hint") && value === true)
    .map(([key]) => key.replace(/Hint$/, ""));

/** Two sorted tables on one page: `sort` orders the registered servers (as the API's), `toolSort` the tool catalog. */
const McpServersPageQuery = z.object({ ...ListMcpServersQuery.shape, ...ToolCatalogQuery.shape });

export default async function Page({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requirePageActor("mcp_servers.read", "/mcp-servers");
  // Engineers register and remove servers here (the actions check again); the owner list is the agents' owner pickers' directory people.
  const canManage = hasPermission(ctx.actor, "mcp_servers.manage");
  const canPickOwner = canManage && hasPermission(ctx.actor, "agents.assign_owner");
  const params = await searchParams;
  const { sort, toolSort } = readPageQuery(params, McpServersPageQuery);
  const [servers, tools, gateways, currentRevision, candidates] = await Promise.all([
    listMcpServers({ ctx, sort }),
    listToolCatalog({ ctx, sort: toolSort }),
    listGatewayStatus({ ctx }),
    getCurrentPolicyRevision(),
    canPickOwner ? listOwnerCandidates({ ctx }) : [],
  ]);
  const ownerNames = await mcpServerOwnerNames({ ctx, servers });
  const owners = candidates.flatMap((candidate) => (candidate.kind === "person" ? [{ id: candidate.id, name: candidate.name, email: candidate.email }] : []));
  return (
    <>
      <PageHeader title="MCP servers" description="Upstream MCP servers behind Steward Gateways, the tools they expose, and each gateway's state." />
      <h2>Gateways</h2>
      <p className="muted">Each gateway that reports here, with the upstreams it serves now: those in its own configuration (STEWARD_GATEWAY_UPSTREAMS) and the servers registered below, once it has pulled them.</p>
      {gateways.length === 0 ? (
        <EmptyState title="No gateway has reported yet">Register an enforcement point of kind mcp-gateway, start the gateway with its token (npm run gateway), and it reports here every few seconds.</EmptyState>
      ) : (
        <DataTable
          card
          caption="MCP gateways"
          rows={gateways}
          rowKey={(gateway) => gateway.enforcementPointId}
          columns={[
            { header: "Gateway", rowHeader: true, cell: (gateway) => gateway.name },
            {
              header: "Policy revision",
              className: "mono",
              cell: (gateway) => (
                <>
                  {gateway.policyRevision ?? <span className="muted">none loaded</span>}
                  {currentRevision && gateway.policyRevision && gateway.policyRevision !== currentRevision ? <div><span className="badge warn">outdated: current is {currentRevision}</span></div> : null}
                </>
              ),
            },
            { header: "Spool backlog", cell: (gateway) => (<>{gateway.spoolBacklog.toLocaleString()} decisions{gateway.spoolFull ? <div><span className="badge danger">spool full</span></div> : null}</>) },
            { header: "Upstreams", cell: (gateway) => gateway.upstreams.map((upstream) => `${upstream.name} (${upstream.connected ? `${upstream.tools} tools` : "not connected"})`).join(", ") || <span className="muted">none</span> },
            { header: "Reported", cell: (gateway) => reported(gateway) },
          ]}
        />
      )}
      <h2>Registered servers</h2>
      <p className="muted">
        Servers registered in the console, for every gateway: each pulls this list every few seconds and serves each server at /mcp/&lt;name&gt; (with a credential from its own configuration). Upstreams
        configured only in a gateway are listed in its row above, not here.
      </p>
      {servers.length === 0 ? (
        <EmptyState title="No MCP server registered in the console">
          {gateways.length > 0 ? "The gateways above serve only the upstreams in their own configuration. " : ""}
          {canManage
            ? "Register a server with the form below (or POST /api/v1/mcp-servers) and every gateway serves it at /mcp/<name>."
            : "An administrator or security engineer registers servers here (or with POST /api/v1/mcp-servers); every gateway then serves each at /mcp/<name>."}
        </EmptyState>
      ) : (
        <DataTable
          card
          caption="Registered MCP servers"
          rows={servers}
          rowKey={(server) => server.id}
          sort={tableSort("/mcp-servers", sort, params)}
          columns={[
            { header: "Name", sortKey: "name", rowHeader: true, className: "mono", cell: (server) => server.name },
            { header: "Transport", sortKey: "transport", cell: (server) => (server.transport === "http" ? <span className="mono">{server.url}</span> : <span className="mono">{[server.command, ...server.args].join(" ")}</span>) },
            { header: "Environment", sortKey: "environment", cell: (server) => server.environment || <span className="muted">—</span> },
            { header: "Data sensitivity", sortKey: "sensitivity", cell: (server) => server.dataSensitivity },
            { header: "Owner", cell: (server) => (server.ownerId ? <EntityRef kind="person" id={server.ownerId} name={ownerNames.get(server.ownerId) ?? null} /> : <span className="muted">unowned</span>) },
            canManage && { header: "Actions", cell: (server) => <RemoveMcpServerButton server={{ id: server.id, name: server.name }} remove={deleteMcpServerAction} /> },
          ]}
        />
      )}
      {canManage ? <RegisterMcpServerForm transports={MCP_TRANSPORTS} sensitivities={DATA_SENSITIVITIES} owners={owners} register={registerMcpServerAction} /> : null}
      <h2>Tool catalog</h2>
      {tools.length === 0 ? (
        <EmptyState title="No tool seen yet">The catalog fills as gateways list their upstreams&apos; tools (an agent&apos;s tools/list through a gateway).</EmptyState>
      ) : (
        <DataTable
          card
          caption="Tools seen by gateways"
          rows={tools}
          rowKey={(tool) => `${tool.server}/${tool.name}`}
          sort={tableSort("/mcp-servers", toolSort, params, "toolSort")}
          columns={[
            { header: "Tool", sortKey: "name", rowHeader: true, className: "mono", cell: (tool) => tool.name },
            { header: "Server", sortKey: "server", className: "mono", cell: (tool) => tool.server },
            { header: "Annotations", cell: (tool) => hints(tool.annotations).map((hint) => <span key={hint} className={`badge ${hint === "destructive" ? "danger" : ""}`}>{hint}</span>) },
            { header: "Used by (30 days)", cell: (tool) => `${tool.usedByAgents} agent${tool.usedByAgents === 1 ? "" : "s"}` },
            { header: "First seen", sortKey: "firstSeen", cell: (tool) => when(tool.firstSeenAt) },
            { header: "Last seen", sortKey: "lastSeen", cell: (tool) => (tool.lastSeenAt ? <RelativeTime value={tool.lastSeenAt} /> : <span className="muted">never</span>) },
          ]}
        />
      )}
    </>
  );
}
