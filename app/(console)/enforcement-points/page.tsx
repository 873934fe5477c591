import type { Metadata } from "next";
import Link from "next/link";
import { requirePageActor } from "@/app/_server/page-guard";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { hasPermission } from "@/lib/auth/require-permission";
import { listEnforcementPoints } from "@/lib/enforcement-points/list-enforcement-points";
import { getCurrentPolicyRevision } from "@/lib/policies/versions";
import { ListEnforcementPointsQuery, OPA_PRESETS, OTLP_PRESETS } from "@/lib/enforcement-points/schemas";
import { readPageQuery } from "@/lib/http/query";
import { tableSort } from "@/components/ui/table-sort";
import { ENFORCEMENT_POINT_KINDS } from "@/db/schema/decisions";
import { EpRowActions } from "@/components/enforcement-points/ep-row-actions";
import { RegisterForm } from "@/components/enforcement-points/register-form";
import { registerEnforcementPointAction, revokeEnforcementPointTokensAction, rotateEnforcementPointTokenAction, setEnforcementPointEnabledAction, updateAudiencesAction, updateOpaMappingAction } from "./actions";

const ROW_ACTIONS = { rotate: rotateEnforcementPointTokenAction, revoke: revokeEnforcementPointTokensAction, setEnabled: setEnforcementPointEnabledAction, updateMapping: updateOpaMappingAction, updateAudiences: updateAudiencesAction };
import { RelativeTime } from "@/components/ui/relative-time";

export const metadata: Metadata = { title: "Enforcement points" };
export const dynamic = "force-dynamic";

/** Relative and ticking ("12 seconds ago": is it reporting now?), the absolute UTC time in the `<time>`'s title. */
const when = (date: Date | null) => (date ? <RelativeTime value={date} /> : <span className="muted">never</span>);

export default async function Page({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requirePageActor("enforcement_points.read", "/enforcement-points");
  const canManage = hasPermission(ctx.actor, "enforcement_points.manage");
  const params = await searchParams;
  const { sort } = readPageQuery(params, ListEnforcementPointsQuery);
  const [points, currentRevision] = await Promise.all([listEnforcementPoints({ ctx, sort }), getCurrentPolicyRevision()]);
  return (
    <>
      <PageHeader title="Enforcement points" description="Gateways, policy engines and sidecars that report decisions to Steward." />
      {points.length === 0 ? (
        <EmptyState title="No enforcement point yet">
          {canManage ? "Register one below: its token appears once, with the start command for a Steward Gateway (kind mcp-gateway) or the sender configuration for OPA, Envoy, OTLP exporters, ContextForge or the native API." : "Ask an administrator or security engineer to register your gateways and policy engines."}
        </EmptyState>
      ) : (
        <DataTable
          card
          caption="Registered enforcement points"
          rows={points}
          rowKey={(ep) => ep.id}
          sort={tableSort("/enforcement-points", sort, params)}
          columns={[
            {
              header: "Name",
              sortKey: "name",
              rowHeader: true,
              cell: (ep) => (
                <>
                  <Link id={`ep-${ep.id}`} href={`/decisions/explore?ep=${encodeURIComponent(ep.id)}`} title={ep.id}>
                    {ep.name}
                  </Link>
                  <div className="muted mono">{ep.kind}{ep.environment ? ` · ${ep.environment}` : ""}</div>
                  <div className="muted mono">{ep.tokens.length ? ep.tokens.map((token) => `${token.prefix}…`).join(", ") : "no live token"}</div>
                </>
              ),
            },
            { header: "Status", sortKey: "status", cell: (ep) => (ep.enabled ? <span className="badge ok">enabled</span> : <span className="badge danger">disabled</span>) },
            { header: "Last seen", sortKey: "lastSeen", cell: (ep) => when(ep.lastSeenAt) },
            {
              header: "Decisions (1 h / 24 h)",
              cell: (ep) => (
                <>
                  {ep.decisionsLastHour.toLocaleString()} / {ep.decisionsLastDay.toLocaleString()}
                  {ep.skippedRecords ? <div className="muted">{ep.skippedRecords.toLocaleString()} non-decision log records skipped</div> : null}
                </>
              ),
            },
            {
              header: "Policy revision",
              className: "mono",
              cell: (ep) => (
                <>
                  {ep.reportedPolicyRevision ?? <span className="muted">not reported</span>}
                  {currentRevision && ep.reportedPolicyRevision && ep.reportedPolicyRevision !== currentRevision ? (
                    <div>
                      <span className="badge warn">outdated: current is {currentRevision}</span>
                    </div>
                  ) : null}
                </>
              ),
            },
            {
              header: "Last rejected batch",
              cell: (ep) =>
                ep.lastRejectedAt ? (
                  <>
                    {when(ep.lastRejectedAt)}
                    <div className="ep-reject">{ep.lastRejectedReason}</div>
                  </>
                ) : (
                  <span className="muted">none</span>
                ),
            },
            canManage && {
              header: "Actions",
              cell: (ep) => <EpRowActions ep={{ id: ep.id, name: ep.name, kind: ep.kind, enabled: ep.enabled, opaMapping: ep.opaMapping, audiences: ep.audiences }} presets={OPA_PRESETS} otlpPresets={OTLP_PRESETS} actions={ROW_ACTIONS} />,
            },
          ]}
        />
      )}
      {canManage ? <RegisterForm kinds={ENFORCEMENT_POINT_KINDS} register={registerEnforcementPointAction} /> : null}
    </>
  );
}
