import { createHash } from "node:crypto";
import { getDatabase, type Tx } from "@/db/client";
import { getAuditHead, insertAuditRow } from "@/db/audit";
import { advisoryXactLock } from "@/db/locks";
import { actorLabel, type RequestContext } from "../auth/actor";
import { newId } from "../ids";
import { AuditAction } from "./actions";
import { canonicalJson } from "./canonical-json";
import { keyedHash } from "./checkpoint";
import { checkpointAuditChain } from "./verify-chain";

export const GENESIS_HASH = "0".repeat(64);
/** Serialises appends so each row sees the true previous hash. */
const AUDIT_CHAIN_LOCK_KEY = 7_363_002;

const SECRET_KEYS = new Set(["passwordHash", "password", "tokenHash", "token", "secret", "clientSecret"]);

export type AuditEntry = {
  action: AuditAction;
  entityType: string;
  entityId: string | null;
  before?: unknown;
  after?: unknown;
};

export type AuditRowContent = {
  id: string;
  at: Date;
  actorType: string;
  actorId: string | null;
  actorLabel: string;
  via: string;
  ip: string | null;
  requestId: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  prevHash: string;
};

/** HMAC-SHA-256 of the entry (canonical JSON, previous hash included) under the audit key: `hmac-sha256:<hex>`. */
export function hashAuditRow(row: AuditRowContent): string {
  return keyedHash(canonicalJson({ ...row, at: row.at.toISOString() }));
}

/** The unkeyed SHA-256 of entries written before keyed hashing; only checked, never written. */
export function legacyHashAuditRow(row: AuditRowContent): string {
  return createHash("sha256").update(canonicalJson({ ...row, at: row.at.toISOString() })).digest("hex");
}

/** Drops secrets and hashes from snapshots; the audit trail must never hold them. */
export function redactSnapshot(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSnapshot);
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !SECRET_KEYS.has(key))
        .map(([key, inner]) => [key, redactSnapshot(inner)]),
    );
  }
  return value;
}

/**
 * Appends one audit row inside the caller's transaction: if the change rolls back, so does its
 * audit row, and if the audit insert fails, the change fails.
 */
export async function recordAudit(tx: Tx, ctx: RequestContext, entry: AuditEntry): Promise<void> {
  const action = AuditAction.parse(entry.action);
  await advisoryXactLock(tx, AUDIT_CHAIN_LOCK_KEY);
  const last = await getAuditHead(tx);
  const actor = ctx.actor;
  const content: AuditRowContent = {
    id: newId("aud"),
    at: new Date(),
    actorType: actor.type,
    actorId: actor.type === "user" ? actor.userId : actor.type === "enforcement_point" ? actor.enforcementPointId : null,
    actorLabel: actorLabel(actor),
    via: actor.type === "user" ? actor.via : actor.type,
    ip: ctx.ip,
    requestId: ctx.requestId,
    action,
    entityType: entry.entityType,
    entityId: entry.entityId,
    before: entry.before === undefined ? null : redactSnapshot(entry.before),
    after: entry.after === undefined ? null : redactSnapshot(entry.after),
    prevHash: last?.hash ?? GENESIS_HASH,
  };
  await insertAuditRow(tx, { ...content, hash: hashAuditRow(content) });
  scheduleCheckpoint();
}

let pending: ReturnType<typeof setTimeout> | undefined;
let inFlight: Promise<void> | undefined;

/** Cancels a scheduled checkpoint and waits for one being taken (tests reset the log between cases). */
export async function settleScheduledCheckpoint(): Promise<void> {
  if (pending) clearTimeout(pending);
  pending = undefined;
  await inFlight;
}
/**
 * Moves the checkpoint file up shortly after the change commits (the caller's transaction is still
 * open here). Entries written in the last moment before a truncation may not be checkpointed yet:
 * docs/audit.md says so.
 */
function scheduleCheckpoint(): void {
  if (pending) return;
  const database = getDatabase();
  pending = setTimeout(() => {
    pending = undefined;
    // Only for the database the entry went to (tests switch databases between suites).
    if (getDatabase() !== database) return;
    inFlight = database
      .then((handle) => checkpointAuditChain(handle.db))
      .then(() => undefined)
      .catch((error: unknown) => {
        // A database closed meanwhile (and replaced) is not a failure to report.
        if (getDatabase() === database) console.error(`[audit] checkpoint not taken: ${(error as Error).message}`);
      })
      .finally(() => {
        inFlight = undefined;
      });
  }, CHECKPOINT_DELAY_MS);
  pending.unref?.();
}
const CHECKPOINT_DELAY_MS = 250;
