import { createHash } from "node:crypto";
import { getDb } from "@/db/client";
import { decisions } from "@/db/schema";
import type { Ctx } from "../context";
import { newId } from "../ids";
import type { AuthzenRequest } from "./request-mapping";

/** Decisions made by Steward's own PDP are recorded under this enforcement point id when a person asked. */
export const STEWARD_PDP_ENFORCEMENT_POINT = "ep_steward_pdp";

const FLUSH_EVERY_MS = 200;
const FLUSH_AT_ROWS = 500;

type Row = typeof decisions.$inferInsert;
type GlobalWithBuffer = typeof globalThis & { __stewardPdpBuffer?: { rows: Row[]; timer: NodeJS.Timeout | null; flushing: Promise<void> } };
const holder = globalThis as GlobalWithBuffer;
const buffer = (holder.__stewardPdpBuffer ??= { rows: [], timer: null, flushing: Promise.resolve() });

/**
 * Every PDP evaluation is recorded as a decision, so Steward's own answers show in the feed and
 * feed replay. Rows are written in small batches (at most FLUSH_EVERY_MS later) so the decision
 * path never waits on an insert; the answer to the caller is the decision, not the record.
 */
export function recordPdpDecision(
  ctx: Ctx,
  request: AuthzenRequest,
  result: { decision: "allow" | "deny"; determiningPolicies: string[]; request?: { principal: { id: string } } },
  at: Date,
  revision: number | null,
  latencyMs: number,
): void {
  const content = JSON.stringify(request);
  buffer.rows.push({
    enforcementPointId: ctx.actor.type === "enforcement_point" ? ctx.actor.enforcementPointId : STEWARD_PDP_ENFORCEMENT_POINT,
    decisionId: newId("dec"),
    time: at,
    agentId: result.request?.principal.id ?? request.subject.id,
    agentRef: request.subject.id,
    actionName: request.action.name,
    actionKind: "authzen",
    resourceType: request.resource.type,
    resourceId: request.resource.id,
    destination: typeof request.context?.destination === "string" ? request.context.destination : null,
    outcome: result.decision,
    reasons: result.determiningPolicies,
    policyRevision: revision === null ? null : String(revision),
    request,
    latencyMs,
    contentHash: createHash("sha256").update(content).digest("hex"),
  });
  if (buffer.rows.length >= FLUSH_AT_ROWS) void flushPdpDecisions();
  else buffer.timer ??= setTimeout(() => void flushPdpDecisions(), FLUSH_EVERY_MS);
}

export function flushPdpDecisions(): Promise<void> {
  if (buffer.timer) clearTimeout(buffer.timer);
  buffer.timer = null;
  const rows = buffer.rows.splice(0);
  const previous = buffer.flushing;
  buffer.flushing = (async () => {
    await previous;
    if (!rows.length) return;
    try {
      const db = await getDb();
      for (let i = 0; i < rows.length; i += FLUSH_AT_ROWS) await db.insert(decisions).values(rows.slice(i, i + FLUSH_AT_ROWS)).onConflictDoNothing();
    } catch (error) {
      console.error(`recording ${rows.length} PDP decisions failed`, error);
    }
  })();
  return buffer.flushing;
}
