import type { Metadata } from "next";
import { requirePageActor } from "@/app/_server/page-guard";
import { AlertRuleActions } from "@/components/outbound/alert-actions";
import { AlertRuleForm } from "@/components/outbound/alert-rule-form";
import { RULE_KINDS } from "@/components/outbound/rule-kinds";
import { AlertsNav } from "@/components/outbound/alerts-nav";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { SeverityBadge } from "@/components/ui/status-badge";
import { tableSort } from "@/components/ui/table-sort";
import { FINDING_KINDS } from "@/db/schema/inventory";
import { hasPermission } from "@/lib/auth/require-permission";
import { readPageQuery } from "@/lib/http/query";
import { listAlertRules } from "@/lib/outbound/alerts";
import { ListAlertRulesQuery } from "@/lib/outbound/schemas";
import { listDestinations } from "@/lib/outbound/destinations";
import { createAlertRuleAction, deleteAlertRuleAction, setAlertRuleEnabledAction } from "../actions";

export const metadata: Metadata = { title: "Alert rules" };
export const dynamic = "force-dynamic";

const describeParams = (params: Record<string, unknown>) =>
  Object.entries(params)
    .map(([key, value]) => `${key}: ${Array.isArray(value) ? value.join(", ") : String(value)}`)
    .join(" · ");

export default async function Page({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requirePageActor("alerts.read", "/alerts/rules");
  const params = await searchParams;
  const { sort } = readPageQuery(params, ListAlertRulesQuery);
  const canManage = hasPermission(ctx.actor, "alerts.manage");
  const canReadDestinations = hasPermission(ctx.actor, "outbound.read");
  const [rules, destinations] = await Promise.all([listAlertRules({ ctx, sort }), canReadDestinations ? listDestinations({ ctx }) : Promise.resolve([])]);
  const destinationName = new Map(destinations.map((destination) => [destination.id, destination.name]));
  const kindLabel = new Map<string, string>(RULE_KINDS.map((kind) => [kind.value, kind.label]));
  return (
    <>
      <PageHeader title="Alert rules" description="Evaluated continuously, at least once a minute, whether or not anyone has the console open." />
      <AlertsNav current="/alerts/rules" showDestinations={canReadDestinations} />
      {rules.length === 0 ? (
        <EmptyState title="No alert rule yet">{canManage ? "Add one below: start with new shadow agents and out-of-scope attempts." : "Ask a security engineer to add alert rules."}</EmptyState>
      ) : (
        <DataTable
          card
          caption="Alert rules"
          rows={rules}
          rowKey={(rule) => rule.id}
          sort={tableSort("/alerts/rules", sort, params)}
          columns={[
            { header: "Rule", sortKey: "name", rowHeader: true, cell: (rule) => <>{rule.name}<div className="muted">{kindLabel.get(rule.kind) ?? rule.kind}</div></> },
            { header: "Parameters", cell: (rule) => describeParams(rule.params) || <span className="muted">none</span> },
            { header: "Severity", sortKey: "severity", cell: (rule) => <SeverityBadge severity={rule.severity} /> },
            { header: "Sends to", cell: (rule) => (rule.destinationId ? (destinationName.get(rule.destinationId) ?? rule.destinationId) : <span className="muted">destinations taking all alerts</span>) },
            { header: "Cooldown", sortKey: "cooldown", cell: (rule) => `${rule.cooldownMinutes} min` },
            { header: "State", sortKey: "state", cell: (rule) => (rule.enabled ? <span className="badge ok">enabled</span> : <span className="badge">disabled</span>) },
            canManage && { header: "Actions", cell: (rule) => <AlertRuleActions rule={rule} setEnabled={setAlertRuleEnabledAction} remove={deleteAlertRuleAction} /> },
          ]}
        />
      )}
      {canManage ? <AlertRuleForm create={createAlertRuleAction} destinations={destinations.map(({ id, name }) => ({ id, name }))} findingKinds={FINDING_KINDS} /> : null}
    </>
  );
}
