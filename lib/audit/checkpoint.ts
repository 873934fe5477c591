import { createHmac, timingSafeEqual } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { getConfig } from "../config";
import { canonicalJson } from "./canonical-json";

/**
 * The audit chain's key and its head kept outside the database.
 *
 * Entry hashes are HMAC-SHA-256 (RFC 2104) under a key that is not in the database
 * (STEWARD_AUDIT_KEY, or $STEWARD_DATA_DIR/audit-key generated on first start), so someone who can
 * write the table cannot recompute a valid chain after rewriting it. The head — last sequence number
 * and hash — is signed with the same key into a checkpoint file beside the data, so deleting the
 * newest entries (which leaves a shorter but self-consistent chain) is visible too.
 */

/** Keyed entry hashes carry this prefix; bare 64-hex hashes are from before keying (plain SHA-256). */
export const KEYED_PREFIX = "hmac-sha256:";

const auditKey = () => getConfig().auditKey;

export function keyedHash(canonical: string): string {
  return KEYED_PREFIX + createHmac("sha256", auditKey()).update(canonical).digest("hex");
}

export const AuditCheckpoint = z.object({
  version: z.literal(1),
  /** Sequence number and hash of the newest entry when the checkpoint was taken. */
  seq: z.number().int().nonnegative(),
  hash: z.string().max(200),
  /** First entry hashed with the key; entries before it are legacy SHA-256 (0 when there are none yet). */
  keyedFrom: z.number().int().nonnegative(),
  /** When the checkpoint was taken, RFC 3339. */
  at: z.string().max(40),
  /** HMAC-SHA-256 of the fields above (canonical JSON), hex. */
  mac: z.string().regex(/^[0-9a-f]{64}$/),
});
export type AuditCheckpoint = z.infer<typeof AuditCheckpoint>;
/** POST /api/v1/audit/verify's body. */
export const VerifyAuditInput = z.strictObject({ kept: z.array(AuditCheckpoint).max(1000).default([]).describe("Checkpoints an auditor kept from GET /api/v1/audit/checkpoint") });

export type CheckpointHead = Pick<AuditCheckpoint, "seq" | "hash" | "keyedFrom">;

const macOf = (head: Omit<AuditCheckpoint, "mac">) => createHmac("sha256", auditKey()).update(canonicalJson(head)).digest("hex");

export function signCheckpoint(head: CheckpointHead, at = new Date()): AuditCheckpoint {
  const unsigned = { version: 1 as const, seq: head.seq, hash: head.hash, keyedFrom: head.keyedFrom, at: at.toISOString() };
  return { ...unsigned, mac: macOf(unsigned) };
}

/** Whether a checkpoint (from the file, or one an auditor kept) was signed with this installation's key. */
export function checkpointSignatureValid(checkpoint: AuditCheckpoint): boolean {
  const { mac, ...unsigned } = checkpoint;
  const expected = Buffer.from(macOf(unsigned), "hex");
  const given = Buffer.from(mac, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export type StoredCheckpoint = { state: "none" } | { state: "unreadable"; problem: string } | { state: "present"; checkpoint: AuditCheckpoint };

export function readCheckpointFile(file: string): StoredCheckpoint {
  if (!existsSync(file)) return { state: "none" };
  try {
    const parsed = AuditCheckpoint.safeParse(JSON.parse(readFileSync(file, "utf8")));
    if (!parsed.success) return { state: "unreadable", problem: "the checkpoint file is not a Steward audit checkpoint" };
    return { state: "present", checkpoint: parsed.data };
  } catch (error) {
    return { state: "unreadable", problem: `the checkpoint file cannot be read (${(error as Error).message})` };
  }
}

/** Written to a temporary file and renamed over the old one, so a crash never leaves half a checkpoint. */
export function writeCheckpointFile(file: string, checkpoint: AuditCheckpoint): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(checkpoint, null, 2) + "\n", { mode: 0o600 });
  renameSync(temporary, file);
}
