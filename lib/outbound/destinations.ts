import { getDatabase, getDb } from "@/db/client";
import { countDecisionsAfter, deleteDestinationRow, getDestinationRow, getDestinationRowByName, insertDestinationRow, listDeliveries, listDestinationRows, recordDelivery, updateDestinationRow, type DestinationRow } from "@/db/outbound";
import { recordAudit } from "../audit/record-audit";
import { hasPermission, requirePermission } from "../auth/require-permission";
import { withTransaction, type Ctx } from "../context";
import { notFound, StewardError } from "../errors";
import { newId } from "../ids";
import { deliver, type OpenDestination } from "./deliver";
import { newSigningSecret, openDestinationSecret, redactSecrets, sealDestinationSecret } from "./destination-secret";
import type { OutboundEvent } from "./events";
import { checkDestinationUrl, checkHost, type NetworkPolicy } from "./network-guard";
import { CreateDestinationInput, UpdateDestinationInput } from "./schemas";
import { wakeJob } from "../jobs/wake";

/** How far the backlog is counted for the health view (beyond it: "more than"). */
const BACKLOG_COUNT_CAP = 100_000;

/** What the API and console show of a destination: never a secret, only which secret fields are set. */
export type DestinationView = {
  id: string;
  name: string;
  kind: DestinationRow["kind"];
  config: Record<string, unknown>;
  secretFields: string[];
  streams: string[];
  decisionFilter: Record<string, string[]>;
  allowPrivateNetwork: boolean;
  enabled: boolean;
  maxBacklogDays: number;
  health: {
    state: "healthy" | "retrying" | "paused" | "disabled" | "idle";
    pausedReason: string | null;
    consecutiveFailures: number;
    nextAttemptAt: string | null;
    lastDeliveredAt: string | null;
    lastError: string | null;
    lastErrorAt: string | null;
    droppedEvents: number;
  };
  createdAt: string;
};

const iso = (date: Date | null) => (date ? date.toISOString() : null);

function secretFieldsOf(row: DestinationRow): string[] {
  try {
    return Object.keys(openDestinationSecret(row)).filter((key) => key !== "signingSecret" || row.kind === "webhook");
  } catch {
    return [];
  }
}

export function toDestinationView(row: DestinationRow): DestinationView {
  const state = !row.enabled ? "disabled" : row.pausedReason ? "paused" : row.consecutiveFailures > 0 ? "retrying" : row.lastDeliveredAt ? "healthy" : "idle";
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    config: row.config,
    secretFields: secretFieldsOf(row),
    streams: row.streams,
    decisionFilter: row.decisionFilter,
    allowPrivateNetwork: row.allowPrivateNetwork,
    enabled: row.enabled,
    maxBacklogDays: row.maxBacklogDays,
    health: { state, pausedReason: row.pausedReason, consecutiveFailures: row.consecutiveFailures, nextAttemptAt: iso(row.nextAttemptAt), lastDeliveredAt: iso(row.lastDeliveredAt), lastError: row.lastError, lastErrorAt: iso(row.lastErrorAt), droppedEvents: row.droppedEvents },
    createdAt: row.createdAt.toISOString(),
  };
}

/** Destinations with health and the decisions waiting for each (counted up to 100,000). */
export async function listDestinations({ ctx }: { ctx: Ctx }): Promise<(DestinationView & { backlog: { decisions: number; capped: boolean } })[]> {
  requirePermission(ctx.actor, "outbound.read");
  const handle = await getDatabase();
  const rows = await listDestinationRows(ctx.tx ?? handle.db);
  return Promise.all(
    rows.map(async (row) => {
      const pending = row.streams.includes("decisions") ? await countDecisionsAfter(handle, { xid: row.decisionCursorXid, enforcementPointId: row.decisionCursorEp, decisionId: row.decisionCursorId }, BACKLOG_COUNT_CAP) : 0;
      return { ...toDestinationView(row), backlog: { decisions: pending, capped: pending >= BACKLOG_COUNT_CAP } };
    }),
  );
}

export async function getDestination({ ctx, id }: { ctx: Ctx; id: string }): Promise<DestinationView> {
  requirePermission(ctx.actor, "outbound.read");
  const row = await getDestinationRow(ctx.tx ?? (await getDb()), id);
  if (!row) throw notFound("Destination", id);
  return toDestinationView(row);
}

function requirePrivateNetworkRight(ctx: Ctx, allow: boolean | undefined): void {
  if (allow && !hasPermission(ctx.actor, "outbound.allow_private_network")) {
    throw new StewardError("forbidden", 'Only an administrator may let a destination reach loopback and private addresses (permission "outbound.allow_private_network")', { path: "allowPrivateNetwork" });
  }
}

/** Splits a validated input into stored config and sealed secret, checking every address it names. */
function configAndSecret(data: CreateDestinationInput, policy: NetworkPolicy): { config: Record<string, unknown>; secret: Record<string, unknown>; signingSecret?: string } {
  switch (data.kind) {
    case "webhook": {
      const signingSecret = newSigningSecret();
      return { config: { url: checkDestinationUrl(data.url, policy, "url").toString() }, secret: { signingSecret }, signingSecret };
    }
    case "slack":
      checkDestinationUrl(data.secret.webhookUrl, policy, "secret.webhookUrl");
      return { config: {}, secret: data.secret };
    case "splunk_hec":
      return { config: { url: checkDestinationUrl(data.url, policy, "url").toString(), ...(data.index ? { index: data.index } : {}), ...(data.sourcetype ? { sourcetype: data.sourcetype } : {}) }, secret: data.secret };
    case "syslog":
      checkHost(data.host, policy, "host");
      return { config: { host: data.host, port: data.port, tls: data.tls, ...(data.caPem ? { caPem: data.caPem } : {}) }, secret: {} };
    case "otlp_logs":
      return { config: { url: checkDestinationUrl(data.url, policy, "url").toString() }, secret: data.secret };
  }
}

/**
 * Registers a destination. For webhooks Steward generates the Standard Webhooks signing secret and
 * returns it this once; other secrets (HEC token, Slack URL, OTLP headers) are sealed and never shown.
 */
export async function createDestination({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<{ destination: DestinationView; signingSecret?: string }> {
  requirePermission(ctx.actor, "outbound.manage");
  const data = CreateDestinationInput.parse(input);
  requirePrivateNetworkRight(ctx, data.allowPrivateNetwork);
  const { config, secret, signingSecret } = configAndSecret(data, { allowPrivateNetwork: data.allowPrivateNetwork });
  const created = await withTransaction(ctx, async (tx) => {
    if (await getDestinationRowByName(tx, data.name)) throw new StewardError("conflict", `A destination named ${data.name} already exists`, { path: "name" });
    const id = newId("dst");
    const row = await insertDestinationRow(tx, {
      id,
      name: data.name,
      kind: data.kind,
      config,
      sealedSecret: sealDestinationSecret(id, secret),
      streams: data.streams,
      decisionFilter: data.decisionFilter,
      allowPrivateNetwork: data.allowPrivateNetwork,
      maxBacklogDays: data.maxBacklogDays,
    });
    const destination = toDestinationView(row);
    await recordAudit(tx, ctx, { action: "destination.create", entityType: "destination", entityId: id, after: destination });
    return { destination, ...(signingSecret ? { signingSecret } : {}) };
  });
  wakeJob("outbound-delivery"); // its backlog starts going out now, not at the next idle run
  return created;
}

export async function updateDestination({ ctx, id, input }: { ctx: Ctx; id: string; input: unknown }): Promise<DestinationView> {
  requirePermission(ctx.actor, "outbound.manage");
  const patch = UpdateDestinationInput.parse(input);
  requirePrivateNetworkRight(ctx, patch.allowPrivateNetwork);
  const updated = await withTransaction(ctx, async (tx) => {
    const before = await getDestinationRow(tx, id);
    if (!before) throw notFound("Destination", id);
    if (patch.name && patch.name !== before.name && (await getDestinationRowByName(tx, patch.name))) throw new StewardError("conflict", `A destination named ${patch.name} already exists`, { path: "name" });
    // Narrowing the network (private → public only) re-checks the stored addresses.
    if (patch.allowPrivateNetwork === false) recheckAddresses(before, { allowPrivateNetwork: false });
    const row = (await updateDestinationRow(tx, id, patch))!;
    const after = toDestinationView(row);
    await recordAudit(tx, ctx, { action: "destination.update", entityType: "destination", entityId: id, before: toDestinationView(before), after });
    return after;
  });
  wakeJob("outbound-delivery"); // enabled again, or given more streams
  return updated;
}

function recheckAddresses(row: DestinationRow, policy: NetworkPolicy): void {
  if (typeof row.config.url === "string") checkDestinationUrl(row.config.url, policy, "url");
  if (typeof row.config.host === "string") checkHost(row.config.host, policy, "host");
  const secret = openDestinationSecret(row);
  if (typeof secret.webhookUrl === "string") checkDestinationUrl(secret.webhookUrl, policy, "secret.webhookUrl");
}

export async function deleteDestination({ ctx, id }: { ctx: Ctx; id: string }): Promise<void> {
  requirePermission(ctx.actor, "outbound.manage");
  await withTransaction(ctx, async (tx) => {
    const before = await getDestinationRow(tx, id);
    if (!before) throw notFound("Destination", id);
    await deleteDestinationRow(tx, id);
    await recordAudit(tx, ctx, { action: "destination.delete", entityType: "destination", entityId: id, before: toDestinationView(before) });
  });
}

/** Lifts a pause (after the receiver was fixed): the batch that was refused is sent again first. */
export async function resumeDestination({ ctx, id }: { ctx: Ctx; id: string }): Promise<DestinationView> {
  requirePermission(ctx.actor, "outbound.manage");
  const resumed = await withTransaction(ctx, async (tx) => {
    const before = await getDestinationRow(tx, id);
    if (!before) throw notFound("Destination", id);
    const row = (await updateDestinationRow(tx, id, { pausedReason: null, consecutiveFailures: 0, nextAttemptAt: null }))!;
    const after = toDestinationView(row);
    await recordAudit(tx, ctx, { action: "destination.resume", entityType: "destination", entityId: id, before: toDestinationView(before), after });
    return after;
  });
  wakeJob("outbound-delivery");
  return resumed;
}

/** Sends one `steward.test` event now, records it in the delivery log, and says what the receiver answered. */
export async function testDestination({ ctx, id }: { ctx: Ctx; id: string }): Promise<{ ok: boolean; status: number | null; latencyMs: number; response: string }> {
  requirePermission(ctx.actor, "outbound.manage");
  const db = ctx.tx ?? (await getDb());
  const row = await getDestinationRow(db, id);
  if (!row) throw notFound("Destination", id);
  const secret = openDestinationSecret(row);
  const open: OpenDestination = { id: row.id, kind: row.kind, config: row.config, secret, allowPrivateNetwork: row.allowPrivateNetwork };
  const eventId = newId("test");
  const event: OutboundEvent = { id: eventId, stream: "alerts", type: "steward.test", time: new Date().toISOString(), severity: 1, summary: `Test event from Steward for destination ${row.name}`, data: { destinationId: row.id } };
  const sent = await deliver(open, [event], eventId);
  const response = redactSecrets(sent.excerpt, secret);
  await withTransaction({ ...ctx, tx: ctx.tx }, async (tx) => {
    await recordDelivery(tx, { destinationId: row.id, stream: "test", batchId: eventId, events: 1, outcome: sent.ok ? "delivered" : "failed", status: sent.status, latencyMs: sent.latencyMs, responseExcerpt: response });
    await recordAudit(tx, ctx, { action: "destination.test", entityType: "destination", entityId: row.id, after: { ok: sent.ok, status: sent.status } });
  });
  return { ok: sent.ok, status: sent.status, latencyMs: sent.latencyMs, response };
}

export async function listDestinationDeliveries({ ctx, id, limit = 100 }: { ctx: Ctx; id: string; limit?: number }) {
  requirePermission(ctx.actor, "outbound.read");
  const db = ctx.tx ?? (await getDb());
  if (!(await getDestinationRow(db, id))) throw notFound("Destination", id);
  return (await listDeliveries(db, id, Math.min(Math.max(limit, 1), 500))).map((row) => ({ ...row, at: row.at.toISOString() }));
}
