import { entityNames } from "@/db/entity-names";
import { FINDING_LABELS } from "../findings/schemas";
import { z } from "zod";
import { getDb, type Executor } from "@/db/client";
import { ACCESS_REQUEST_SORTS, agentNamesWithOwners, decisionsForAccessRequest, getAccessRequest, getAccessRequestByApprovalId, listAccessRequests, listPending, openFindingsOf, ownersOf, type AccessRequestRow } from "@/db/approvals";
import { recentDecisionsOf } from "@/db/activity";
import { ACCESS_REQUEST_STATUSES } from "@/db/enums";
import type { Actor } from "../auth/actor";
import { requirePermission } from "../auth/require-permission";
import type { Ctx } from "../context";
import { notFound } from "../errors";
import { eligibility } from "./access-requests";
import { DENIAL_WINDOW_SECONDS } from "./requestable";
import { maskSensitive } from "./mask";
import { liftedByApproval } from "./lifted-reason";

/** The approvals inbox: what a person sees and decides on. Arguments are masked for display. */

export const InboxQuery = z.object({
  // A comma-separated string, or a list already split (the route's strict reader parses once, this verb again).
  status: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((value) => (Array.isArray(value) ? value : value ? value.split(",").filter(Boolean) : undefined))
    .pipe(z.array(z.enum(ACCESS_REQUEST_STATUSES)).optional()),
  agent: z.string().max(200).optional(),
  q: z.string().max(200).optional(),
  decidedBy: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** `expires` soonest expiry first, `created` oldest first, `-` reverses. Default: pending soonest expiry first (most urgent), history newest first. */
  sort: z.enum(ACCESS_REQUEST_SORTS).optional(),
});

export type InboxItem = {
  id: string;
  status: string;
  agentId: string | null;
  agentName: string | null;
  ownerName: string | null;
  action: string;
  resource: { type: string; id: string };
  arguments: unknown;
  justification: string;
  taskId: string | null;
  taskPurpose: string | null;
  initiator: string | null;
  delegation: string[];
  policies: string[];
  /** Display names of the agents in `initiator`/`delegation` and of `policies` (ids that name nothing are absent). */
  names: { agents: Record<string, string>; policies: Record<string, string> };
  requiredGroups: string[];
  approvals: { group: string; label: string; at: string; comment: string }[];
  fourEyes: boolean;
  reuseSeconds: number | null;
  requester: string;
  createdAt: string;
  expiresAt: string;
  /** Until when the submitting PEP holds the agent's call open (null: it holds nothing, or did not say). */
  heldUntil: string | null;
  escalated: boolean;
  decidedAt: string | null;
  decidedBy: string | null;
  comment: string | null;
  approvalId: string | null;
  approvedUntil: string | null;
  usedAt: string | null;
  /** For the asking person: may they decide it now, for which groups, or why not. */
  mine: boolean;
  canDecide: boolean;
  myGroups: string[];
  refusal: string | null;
};

type AgentInfo = { name: string; ownerName: string | null };

async function agentInfo(db: Executor, ids: string[]): Promise<Map<string, AgentInfo>> {
  const rows = await agentNamesWithOwners(db, ids);
  return new Map(rows.map((row) => [row.id, { name: row.name, ownerName: row.ownerName }]));
}

/** `withNames: false` skips the chain and policy name lookups, for callers that only count (the navigation badge). */
async function toItems(db: Executor, actor: Actor, rows: AccessRequestRow[], { withNames = true } = {}): Promise<InboxItem[]> {
  const [info, named] = await Promise.all([
    agentInfo(db, [...new Set(rows.map((row) => row.agentId).filter((id): id is string => Boolean(id)))]),
    withNames ? entityNames(db, { agent: rows.flatMap((row) => [...row.delegation, ...(row.initiator ? [row.initiator] : [])]), policy: rows.flatMap((row) => row.policies) }) : { agent: new Map<string, string>(), policy: new Map<string, string>() },
  ]);
  const namesOf = (ids: string[], names: Map<string, string>) => Object.fromEntries(ids.flatMap((id) => (names.has(id) ? [[id, names.get(id)!]] : [])));
  const out: InboxItem[] = [];
  for (const row of rows) {
    const who = row.status === "pending" ? await eligibility(db, actor, row) : { groups: [], refusal: null };
    const done = new Set(row.approvals.map((item) => item.group));
    const open = who.groups.filter((group) => !done.has(group));
    const already = actor.type === "user" && row.approvals.some((item) => item.userId === actor.userId);
    const agent = row.agentId ? info.get(row.agentId) : undefined;
    const context = row.boundContext as Record<string, unknown>;
    out.push({
      id: row.id,
      status: row.status,
      agentId: row.agentId,
      agentName: agent?.name ?? null,
      ownerName: agent?.ownerName ?? null,
      action: (row.action as { name?: string }).name ?? "",
      resource: { type: (row.resource as { type: string }).type, id: (row.resource as { id: string }).id },
      arguments: maskSensitive(context.arguments ?? context.args ?? context.params ?? Object.fromEntries(Object.entries(context).filter(([key]) => !["task_id", "task_purpose", "initiator", "task_initiator", "delegation"].includes(key)))),
      justification: row.justification,
      taskId: row.taskId,
      taskPurpose: row.taskPurpose,
      initiator: row.initiator,
      delegation: row.delegation,
      policies: row.policies,
      names: { agents: namesOf([...row.delegation, ...(row.initiator ? [row.initiator] : [])], named.agent), policies: namesOf(row.policies, named.policy) },
      requiredGroups: row.requiredGroups,
      approvals: row.approvals.map(({ group, label, at, comment }) => ({ group, label, at, comment })),
      fourEyes: row.fourEyes,
      reuseSeconds: row.reuseSeconds,
      requester: row.requesterLabel,
      createdAt: row.createdAt.toISOString(),
      expiresAt: row.expiresAt.toISOString(),
      heldUntil: row.heldUntil?.toISOString() ?? null,
      escalated: Boolean(row.escalatedAt),
      decidedAt: row.decidedAt?.toISOString() ?? null,
      decidedBy: row.decidedByLabel,
      comment: row.comment,
      approvalId: row.approvalId,
      approvedUntil: row.approvedUntil?.toISOString() ?? null,
      usedAt: row.usedAt?.toISOString() ?? null,
      mine: who.groups.length > 0,
      canDecide: row.status === "pending" && open.length > 0 && !already && !who.refusal,
      myGroups: open,
      refusal: row.status === "pending" ? (who.refusal ?? (already ? "You approved already; waiting for another approver" : null)) : null,
    });
  }
  return out;
}

/**
 * Pending requests I can decide first, then the others, each group in the asked order (default: the
 * soonest to expire first); or the history with filters (default newest first).
 */
export async function listInbox({ ctx, query }: { ctx: Ctx; query: unknown }): Promise<{ items: InboxItem[] }> {
  requirePermission(ctx.actor, "approvals.read");
  const filter = InboxQuery.parse(query ?? {});
  const db = ctx.tx ?? (await getDb());
  const pendingOnly = filter.status?.length === 1 && filter.status[0] === "pending";
  const sort = filter.sort ?? (pendingOnly ? "expires" : "-created");
  const rows = await listAccessRequests(db, { status: filter.status, agentId: filter.agent, q: filter.q, decidedBy: filter.decidedBy, limit: filter.limit, sort });
  const items = await toItems(db, ctx.actor, rows);
  // Stable: the server's order holds within each group.
  if (pendingOnly) items.sort((a, b) => Number(b.canDecide) - Number(a.canDecide));
  return { items };
}

/** How many pending requests this person can decide now (the navigation badge). */
export async function pendingCountFor(ctx: Ctx): Promise<number> {
  requirePermission(ctx.actor, "approvals.read");
  const db = ctx.tx ?? (await getDb());
  const items = await toItems(db, ctx.actor, await listPending(db, 1000), { withNames: false });
  return items.filter((item) => item.canDecide).length;
}

/** One request with everything needed to decide: the agent's recent decisions and open findings. */
export async function getInboxItem({ ctx, id }: { ctx: Ctx; id: string }) {
  requirePermission(ctx.actor, "approvals.read");
  const db = ctx.tx ?? (await getDb());
  const row = await getAccessRequest(db, id);
  if (!row) throw notFound("Access request", id);
  const [item] = await toItems(db, ctx.actor, [row]);
  const [recent, open, owners] = row.agentId
    ? await Promise.all([
        recentDecisionsOf(db, row.agentId, 10),
        openFindingsOf(db, row.agentId),
        ownersOf(db, row.agentId),
      ])
    : [[], [], []];
  const decisions = await decisionsOf(db, row);
  return {
    item: item!,
    owners,
    recentDecisions: recent.map((decision) => ({ ...decision, time: decision.time.toISOString() })),
    findings: open.map((finding) => ({ ...finding, label: FINDING_LABELS[finding.kind as keyof typeof FINDING_LABELS] ?? finding.kind })),
    /** The decisions recorded for this request: the denial(s) that asked, and what its approval let through. */
    decisions: decisions.map((decision) => ({ ...decision, time: decision.time.toISOString() })),
  };
}

function decisionsOf(db: Executor, row: AccessRequestRow) {
  const subjectId = (row.subject as { id?: unknown }).id;
  const agentIds = [...new Set([row.agentId, typeof subjectId === "string" ? subjectId : null].filter((id): id is string => Boolean(id)))];
  const end = Math.max(row.expiresAt.getTime(), row.approvedUntil?.getTime() ?? 0, row.decidedAt?.getTime() ?? 0);
  return decisionsForAccessRequest(db, { id: row.id, approvalId: row.approvalId, agentIds, from: new Date(row.createdAt.getTime() - DENIAL_WINDOW_SECONDS * 1000), until: new Date(Math.min(end, Date.now()) + 60_000) });
}

/** The access request behind a recorded decision, for its page: named in context.access_request (gateways) or by the approval in its reasons (console PDP). */
/** `approvers`: who approved it, by their console name (the label they decided under when the user is gone). */
export async function accessRequestOfDecision({ ctx, context, reasons }: { ctx: Ctx; context: unknown; reasons: string[] }): Promise<{ id: string; status: string; approvalId: string | null; approvers: string[] } | null> {
  requirePermission(ctx.actor, "approvals.read");
  const db = ctx.tx ?? (await getDb());
  const named = context && typeof context === "object" ? (context as { access_request?: { id?: unknown; approval_id?: unknown } }).access_request : undefined;
  const approvalId = typeof named?.approval_id === "string" ? named.approval_id : (reasons.map((reason) => liftedByApproval(reason)?.approvalId).find(Boolean) ?? null);
  const row = typeof named?.id === "string" ? await getAccessRequest(db, named.id) : approvalId ? await getAccessRequestByApprovalId(db, approvalId) : undefined;
  if (!row) return null;
  const users = row.approvalId ? (await entityNames(db, { user: row.approvals.map((approval) => approval.userId) })).user : new Map<string, string>();
  const approvers = row.approvalId ? row.approvals.map((approval) => users.get(approval.userId) || approval.label) : [];
  return { id: row.id, status: row.status, approvalId: row.approvalId, approvers };
}
