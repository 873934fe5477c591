import type { DatabaseHandle } from "./client";
import { rawQuery, type RawQuery, type Statement } from "./raw-sql";

/**
 * The ingest hot path, in raw SQL on the raw postgres.js client (drizzle's query building costs
 * ≈ 30 ms per 1,000 rows) or on PGlite directly. Rows go in as parallel arrays through unnest:
 * one statement per table per batch, whatever the batch size.
 */

export type DecisionRow = {
  decisionId: string;
  time: string; // ISO
  agentId: string;
  agentRef: string;
  spiffeId: string | null;
  clientId: string | null;
  actionName: string;
  actionKind: string | null;
  resourceType: string;
  resourceId: string;
  resourceProperties: string | null; // JSON text
  destination: string | null;
  outcome: string;
  reasons: string; // JSON text
  policyRevision: string | null;
  taskId: string | null;
  traceId: string | null;
  spanId: string | null;
  parentSpanId: string | null;
  delegation: string | null; // JSON text
  request: string | null; // JSON text
  latencyMs: number | null;
  context: string | null; // JSON text
  contentHash: string;
  /** Judged at ingest (lib/decisions/destructive-action.ts). */
  destructive: boolean;
};

/**
 * Claims (EP, id) keys; returns the ids this transaction claimed and its time. Sorted input keeps
 * lock order stable (no deadlocks). One row comes back whatever the batch size: the claimed ids as
 * one array and `now()` once, not a timestamp per row (nor a second query when nothing was claimed).
 */
export async function claimDecisionKeys(query: RawQuery, enforcementPointId: string, keys: { decisionId: string; contentHash: string; time: string }[]): Promise<{ claimed: Set<string>; receivedAt: string }> {
  const [row] = await query<{ claimed: string[]; received_at: Date | string }>(
    `with new_keys as (
       insert into decision_keys (enforcement_point_id, decision_id, content_hash, time)
       select $1, k.id, k.hash, k.t::timestamptz from unnest($2::text[], $3::text[], $4::text[]) as k(id, hash, t)
       on conflict do nothing returning decision_id
     ) select array(select decision_id from new_keys) as claimed, now() as received_at`,
    [enforcementPointId, keys.map((key) => key.decisionId), keys.map((key) => key.contentHash), keys.map((key) => key.time)],
  );
  return { claimed: new Set(row!.claimed), receivedAt: new Date(row!.received_at).toISOString() };
}

export async function storedContentHashes(query: RawQuery, enforcementPointId: string, decisionIds: string[]): Promise<Map<string, string>> {
  if (!decisionIds.length) return new Map();
  const rows = await query<{ decision_id: string; content_hash: string }>(
    "select decision_id, content_hash from decision_keys where enforcement_point_id = $1 and decision_id = any($2::text[])",
    [enforcementPointId, decisionIds],
  );
  return new Map(rows.map((row) => [row.decision_id, row.content_hash]));
}

const DECISION_COLUMNS: [keyof DecisionRow, string, string][] = [
  ["decisionId", "decision_id", "text"],
  ["time", "time", "timestamptz"],
  ["agentId", "agent_id", "text"],
  ["agentRef", "agent_ref", "text"],
  ["spiffeId", "spiffe_id", "text"],
  ["clientId", "client_id", "text"],
  ["actionName", "action_name", "text"],
  ["actionKind", "action_kind", "text"],
  ["resourceType", "resource_type", "text"],
  ["resourceId", "resource_id", "text"],
  ["resourceProperties", "resource_properties", "jsonb"],
  ["destination", "destination", "text"],
  ["outcome", "outcome", "text"],
  ["reasons", "reasons", "jsonb"],
  ["policyRevision", "policy_revision", "text"],
  ["taskId", "task_id", "text"],
  ["traceId", "trace_id", "text"],
  ["spanId", "span_id", "text"],
  ["parentSpanId", "parent_span_id", "text"],
  ["delegation", "delegation", "jsonb"],
  ["request", "request", "jsonb"],
  ["latencyMs", "latency_ms", "float8"],
  ["context", "context", "jsonb"],
  ["contentHash", "content_hash", "text"],
];

const DECISION_COLUMN_LIST = DECISION_COLUMNS.map(([, column]) => column).join(", ");

/**
 * One statement per batch. Besides the decision itself it records the facts a control judges as they
 * are now (see db/schema/decisions.ts): whether the action is in the agent's declared actions, whether
 * the enforcement point's environment differs from the agent's (null when either has none: not judgeable), whether the agent is retired or
 * suspended — from one join with the agents and the enforcement point — and the destructive flag judged
 * in TypeScript. Agent rows are not locked: a concurrent edit of an agent is judged either way.
 */
const INSERT_DECISIONS = `insert into decisions (enforcement_point_id, received_at, ${DECISION_COLUMN_LIST}, destructive, in_declared_scope, cross_environment, agent_offboarded)
  select $1, $2::timestamptz, ${DECISION_COLUMNS.map(([, column, type]) => (type === "text" || type === "float8" ? `u.${column}` : `u.${column}::${type}`)).join(", ")},
    u.destructive::bool,
    coalesce(a.declared_actions ? u.action_name, false),
    case when ep.environment <> '' and a.environment is not null then ep.environment <> a.environment end,
    coalesce(a.status in ('retired', 'suspended'), false)
  from unnest(${DECISION_COLUMNS.map(([, , type], index) => `$${index + 3}::${type === "float8" ? "float8" : "text"}[]`).join(", ")}, $${DECISION_COLUMNS.length + 3}::text[])
    as u(${DECISION_COLUMN_LIST}, destructive)
  left join agents a on a.id = u.agent_id
  left join enforcement_points ep on ep.id = $1`;

/** The decisions' insert, one statement for any number of rows; null for none. */
export function insertDecisionsStatement(enforcementPointId: string, receivedAt: string, rows: DecisionRow[]): Statement | null {
  if (!rows.length) return null;
  return { text: INSERT_DECISIONS, params: [enforcementPointId, receivedAt, ...DECISION_COLUMNS.map(([key]) => rows.map((row) => row[key])), rows.map((row) => (row.destructive ? "true" : "false"))] };
}

/** The same column list, for COPY in the benchmark's baseline. */
export const DECISION_COPY_COLUMNS = ["enforcement_point_id", "received_at", ...DECISION_COLUMNS.map(([, column]) => column), "destructive"];
export const decisionCopyValues = (enforcementPointId: string, receivedAt: string, row: DecisionRow): unknown[] => [enforcementPointId, receivedAt, ...DECISION_COLUMNS.map(([key]) => row[key]), row.destructive];

export type QuarantineRow = { decisionId: string | null; reason: "invalid" | "conflict" | "rejected"; path: string; message: string; raw: string; rawHash: string; batchIndex: number };

/** The quarantine's insert, one statement for any number of rows; null for none. */
export function insertQuarantineStatement(enforcementPointId: string, rows: QuarantineRow[]): Statement | null {
  if (!rows.length) return null;
  return {
    text: `insert into decision_quarantine (enforcement_point_id, decision_id, reason, path, message, raw, raw_hash, batch_index)
     select $1, q.id, q.reason, q.path, q.message, q.raw, q.hash, q.idx from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[]) as q(id, reason, path, message, raw, hash, idx)
     on conflict do nothing`,
    params: [enforcementPointId, ...(["decisionId", "reason", "path", "message", "raw", "rawHash", "batchIndex"] as const).map((key) => rows.map((row) => row[key]))],
  };
}

export async function insertQuarantine(query: RawQuery, enforcementPointId: string, rows: QuarantineRow[]): Promise<void> {
  const statement = insertQuarantineStatement(enforcementPointId, rows);
  if (statement) await query(statement.text, statement.params);
}

export type AgentReference = { ref: string; spiffeId: string | null; clientId: string | null; name: string | null };

/** The inventory ids of the agents these references name, where known (a read; creates nothing). */
export async function findAgentIds(query: RawQuery, refs: AgentReference[]): Promise<Map<string, string>> {
  if (!refs.length) return new Map();
  // An EP (or Steward's own PDP) may also name a registered agent by its Steward id or its
  // external id; a recorded identity wins over those (rows are read in that order).
  const rows = await query<{ kind: string; value: string; agent_id: string }>(
    `select kind, value, agent_id from (
       select 0 as rank, 'agent_id' as kind, id as value, id as agent_id from agents where id = any($1::text[])
       union all select 1, 'agent_id', external_id, id from agents where external_id = any($1::text[])
       union all select 2, kind::text, value, agent_id from agent_identities
         where (kind = 'agent_id' and value = any($1::text[])) or (kind = 'spiffe_id' and value = any($2::text[])) or (kind = 'client_id' and value = any($3::text[]))
     ) as found order by rank`,
    [refs.map((ref) => ref.ref), refs.flatMap((ref) => (ref.spiffeId ? [ref.spiffeId] : [])), refs.flatMap((ref) => (ref.clientId ? [ref.clientId] : []))],
  );
  const byKind = new Map(rows.map((row) => [`${row.kind}:${row.value}`, row.agent_id]));
  const resolved = new Map<string, string>();
  for (const ref of refs) {
    const agentId = byKind.get(`agent_id:${ref.ref}`) ?? (ref.spiffeId ? byKind.get(`spiffe_id:${ref.spiffeId}`) : undefined) ?? (ref.clientId ? byKind.get(`client_id:${ref.clientId}`) : undefined);
    if (agentId) resolved.set(ref.ref, agentId);
  }
  return resolved;
}

/** Serialises creating discovered agents, so two batches never create the same agent twice. */
const DISCOVERY_LOCK_KEY = 7_363_010;

/**
 * Maps each agent reference to its inventory id. An agent the inventory does not know is created
 * as `discovered` with its identities recorded: shadow agents surface, never vanish. `found`: what
 * findAgentIds already answered for these references in this transaction (it is not asked again).
 */
export async function resolveAgents(
  query: RawQuery,
  refs: AgentReference[],
  newAgentId: () => string,
  seenAt: string,
  found?: Map<string, string>,
): Promise<{ resolved: Map<string, string>; createdIds: string[] }> {
  if (!refs.length) return { resolved: new Map(), createdIds: [] }; // a batch of retries: no lookup
  const known = found ?? (await findAgentIds(query, refs));
  const resolved = new Map(refs.flatMap((ref) => (known.has(ref.ref) ? [[ref.ref, known.get(ref.ref)!] as const] : [])));
  const missing = refs.filter((ref) => !resolved.has(ref.ref));
  if (!missing.length) return { resolved, createdIds: [] };
  await query("select pg_advisory_xact_lock($1)", [DISCOVERY_LOCK_KEY]);
  const raced = await findAgentIds(query, missing);
  const created = missing.filter((ref) => !raced.has(ref.ref));
  for (const [ref, agentId] of raced) resolved.set(ref, agentId);
  if (!created.length) return { resolved, createdIds: [] };
  const ids = created.map(() => newAgentId());
  await query(
    `insert into agents (id, name, status, first_seen_at, last_seen_at)
     select a.id, a.name, 'discovered', $3::timestamptz, $3::timestamptz from unnest($1::text[], $2::text[]) as a(id, name)`,
    [ids, created.map((ref) => ref.name ?? ref.ref), seenAt],
  );
  const identities = created.flatMap((ref, index) => [
    ["agent_id", ref.ref, ids[index]!],
    ...(ref.spiffeId ? [["spiffe_id", ref.spiffeId, ids[index]!]] : []),
    ...(ref.clientId ? [["client_id", ref.clientId, ids[index]!]] : []),
  ]);
  await query(
    `insert into agent_identities (kind, value, agent_id) select * from unnest($1::text[], $2::text[], $3::text[]) on conflict do nothing`,
    [identities.map((row) => row[0]), identities.map((row) => row[1]), identities.map((row) => row[2])],
  );
  created.forEach((ref, index) => resolved.set(ref.ref, ids[index]!));
  return { resolved, createdIds: ids };
}

/** Throttled: an agent's last-seen moves at most once a minute, so busy agents cost no write per batch. */
export async function touchAgentsSeen(handle: DatabaseHandle, agentIds: string[], seenAt: string): Promise<void> {
  if (!agentIds.length) return;
  await rawQuery(
    handle,
    // Rows another transaction holds are skipped (it is moving last-seen anyway): two batches
    // touching overlapping agents in different scan orders deadlocked here.
    `update agents set last_seen_at = $2::timestamptz, first_seen_at = coalesce(first_seen_at, $2::timestamptz)
     where id in (select id from agents where id = any($1::text[]) and (last_seen_at is null or last_seen_at < $2::timestamptz - interval '1 minute')
                  order by id for update skip locked)`,
    [[...agentIds].sort(), seenAt],
  );
}

export async function ensureDecisionPartitions(handle: DatabaseHandle, firstDay: string, lastDay: string): Promise<void> {
  await rawQuery(handle, "select steward_ensure_decision_partitions($1::date, $2::date)", [firstDay, lastDay]);
}

export async function dropDecisionPartitionsBefore(handle: DatabaseHandle, cutoffDay: string): Promise<number> {
  const [row] = await rawQuery<{ dropped: number }>(handle, "select steward_drop_decision_partitions_before($1::date) as dropped", [cutoffDay]);
  return Number(row?.dropped ?? 0);
}

/** Rows one retention statement deletes from decision_keys at most (see deleteDecisionKeysBefore). */
export const DECISION_KEY_DELETE_BATCH = 5_000;

/** One batch: $1 the cutoff day, $2 the most rows. Exported for the test that checks its plan uses the BRIN index. */
export const DECISION_KEY_DELETE_STATEMENT = `with gone as (
   delete from decision_keys k
    using (select enforcement_point_id, decision_id from decision_keys where "time" < ($1::date::timestamp at time zone 'UTC') limit $2) old
    where k.enforcement_point_id = old.enforcement_point_id and k.decision_id = old.decision_id
    returning 1)
 select count(*) as n from gone`;

/**
 * Deletes the idempotency keys of decisions before `cutoffDay` (UTC midnight) in statements of at
 * most `batchRows` rows, each its own transaction (no explicit transaction: postgres.js and PGlite
 * autocommit each statement), until none is left or `budgetMs` has passed — the next run continues.
 * A batch locks only its own rows for a moment and commits, so ingest, vacuum and outbound delivery
 * (which reads only below the oldest running transaction) never wait behind a day's delete. The
 * batch is found through the BRIN index on `time` and deleted by primary key.
 */
export async function deleteDecisionKeysBefore(handle: DatabaseHandle, cutoffDay: string, options: { batchRows?: number; budgetMs?: number } = {}): Promise<{ deleted: number; statements: number; done: boolean }> {
  const batchRows = options.batchRows ?? DECISION_KEY_DELETE_BATCH;
  const started = Date.now();
  let deleted = 0;
  let statements = 0;
  for (;;) {
    const [row] = await rawQuery<{ n: number | string }>(handle, DECISION_KEY_DELETE_STATEMENT, [cutoffDay, batchRows]);
    const count = Number(row?.n ?? 0);
    statements++;
    deleted += count;
    if (count < batchRows) return { deleted, statements, done: true };
    if (options.budgetMs !== undefined && Date.now() - started >= options.budgetMs) return { deleted, statements, done: false };
  }
}

/** The live feed's NOTIFY of a committed batch (PostgreSQL delivers it at commit). */
export const notifyDecisionBatchStatement = (payload: string): Statement => ({ text: "select pg_notify('steward_decisions', $1)", params: [payload] });
