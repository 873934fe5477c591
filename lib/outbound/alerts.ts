import { getDb, type Tx } from "@/db/client";
import { deleteAlertRuleRow, getAlertRow, getAlertRuleRow, getDestinationRow, insertAlertRuleRow, listAlertRows, listAlertRuleRows, updateAlertRow, updateAlertRuleRow, type AlertRow, type AlertRuleRow } from "@/db/outbound";
import { actorLabel } from "../auth/actor";
import { recordAudit } from "../audit/record-audit";
import { requirePermission } from "../auth/require-permission";
import { withTransaction, type Ctx } from "../context";
import { notFound, StewardError } from "../errors";
import { newId } from "../ids";
import { AlertListQuery, AlertRuleParams, CreateAlertRuleInput, UpdateAlertRuleInput, type ListAlertRulesQuery } from "./schemas";

export type AlertView = Omit<AlertRow, "seq" | "firstAt" | "lastAt" | "acknowledgedAt" | "resolvedAt"> & { firstAt: string; lastAt: string; acknowledgedAt: string | null; resolvedAt: string | null };
export type AlertRuleView = Omit<AlertRuleRow, "checkedUntil" | "createdAt" | "updatedAt"> & { checkedUntil: string | null; createdAt: string };

const toAlertView = ({ seq: _seq, ...row }: AlertRow): AlertView => ({ ...row, firstAt: row.firstAt.toISOString(), lastAt: row.lastAt.toISOString(), acknowledgedAt: row.acknowledgedAt?.toISOString() ?? null, resolvedAt: row.resolvedAt?.toISOString() ?? null });
const toRuleView = ({ updatedAt: _updated, ...row }: AlertRuleRow): AlertRuleView => ({ ...row, checkedUntil: row.checkedUntil?.toISOString() ?? null, createdAt: row.createdAt.toISOString() });

export async function listAlerts({ ctx, query }: { ctx: Ctx; query: unknown }): Promise<AlertView[]> {
  requirePermission(ctx.actor, "alerts.read");
  const { status, limit, sort } = AlertListQuery.parse(query);
  return (await listAlertRows(ctx.tx ?? (await getDb()), status ?? null, limit, sort)).map(toAlertView);
}

/** open → acknowledged → resolved, never back; who and when are kept and audited. */
export async function transitionAlert({ ctx, id, to }: { ctx: Ctx; id: string; to: "acknowledged" | "resolved" }): Promise<AlertView> {
  requirePermission(ctx.actor, "alerts.manage");
  return withTransaction(ctx, async (tx) => {
    const before = await getAlertRow(tx, id);
    if (!before) throw notFound("Alert", id);
    if (before.status === "resolved" || before.status === to) throw new StewardError("conflict", `The alert is already ${before.status}`);
    const who = actorLabel(ctx.actor);
    const now = new Date();
    const row = (await updateAlertRow(tx, id, to === "acknowledged" ? { status: to, acknowledgedBy: who, acknowledgedAt: now } : { status: to, resolvedBy: who, resolvedAt: now, ...(before.acknowledgedAt ? {} : { acknowledgedBy: who, acknowledgedAt: now }) }))!;
    const after = toAlertView(row);
    await recordAudit(tx, ctx, { action: to === "acknowledged" ? "alert.acknowledge" : "alert.resolve", entityType: "alert", entityId: id, before: toAlertView(before), after });
    return after;
  });
}

/** `sort`: the list's order (ListAlertRulesQuery), by name when not given. */
export async function listAlertRules({ ctx, sort }: { ctx: Ctx; sort?: ListAlertRulesQuery["sort"] }): Promise<AlertRuleView[]> {
  requirePermission(ctx.actor, "alerts.read");
  return (await listAlertRuleRows(ctx.tx ?? (await getDb()), sort)).map(toRuleView);
}

function parseParams(kind: AlertRuleRow["kind"], params: unknown): Record<string, unknown> {
  const parsed = AlertRuleParams[kind].safeParse(params);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = ["params", ...issue.path].join(".");
    throw new StewardError("invalid_input", `${path}: ${issue.message}`, { path });
  }
  return parsed.data as Record<string, unknown>;
}

async function requireDestination(tx: Tx, destinationId: string | null | undefined): Promise<void> {
  if (destinationId && !(await getDestinationRow(tx, destinationId))) throw new StewardError("invalid_input", `destinationId: destination ${destinationId} does not exist`, { path: "destinationId" });
}

/** A rule looks only forward: it starts judging from the moment it is created. */
export async function createAlertRule({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<AlertRuleView> {
  requirePermission(ctx.actor, "alerts.manage");
  const data = CreateAlertRuleInput.parse(input);
  const params = parseParams(data.kind, data.params);
  return withTransaction(ctx, async (tx) => {
    await requireDestination(tx, data.destinationId);
    const row = await insertAlertRuleRow(tx, { id: newId("alr"), ...data, params, checkedUntil: new Date() });
    const view = toRuleView(row);
    await recordAudit(tx, ctx, { action: "alert_rule.create", entityType: "alert_rule", entityId: row.id, after: view });
    return view;
  });
}

export async function updateAlertRule({ ctx, id, input }: { ctx: Ctx; id: string; input: unknown }): Promise<AlertRuleView> {
  requirePermission(ctx.actor, "alerts.manage");
  const patch = UpdateAlertRuleInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    const before = await getAlertRuleRow(tx, id);
    if (!before) throw notFound("Alert rule", id);
    await requireDestination(tx, patch.destinationId);
    const params = patch.params === undefined ? undefined : parseParams(before.kind, patch.params);
    const row = (await updateAlertRuleRow(tx, id, { ...patch, ...(params ? { params } : {}) }))!;
    const after = toRuleView(row);
    await recordAudit(tx, ctx, { action: "alert_rule.update", entityType: "alert_rule", entityId: id, before: toRuleView(before), after });
    return after;
  });
}

export async function deleteAlertRule({ ctx, id }: { ctx: Ctx; id: string }): Promise<void> {
  requirePermission(ctx.actor, "alerts.manage");
  await withTransaction(ctx, async (tx) => {
    const before = await getAlertRuleRow(tx, id);
    if (!before) throw notFound("Alert rule", id);
    await deleteAlertRuleRow(tx, id);
    await recordAudit(tx, ctx, { action: "alert_rule.delete", entityType: "alert_rule", entityId: id, before: toRuleView(before) });
  });
}
