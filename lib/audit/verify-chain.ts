import { getDatabase, type Executor } from "@/db/client";
import { getAuditEntryAt, getAuditHead, listAuditRowsAfter } from "@/db/audit";
import { checkpointSignatureValid, KEYED_PREFIX, readCheckpointFile, signCheckpoint, writeCheckpointFile, type AuditCheckpoint } from "./checkpoint";
import { GENESIS_HASH, hashAuditRow, legacyHashAuditRow } from "./record-audit";

/** What Verify found: the chain from the first entry, then the head against the checkpoint(s) kept outside the table. */
export type ChainVerdict = (
  | { intact: true; checked: number }
  | { intact: false; checked: number; brokenAt: { seq: number; id: string; reason: string } }
) & {
  /** Entries from before keyed hashing (plain SHA-256: a database writer could recompute them). */
  legacyEntries?: number;
  /** The signed head outside the database: what it recorded and whether the table still reaches it. */
  checkpoint?: { state: "matched" | "none" | "unreadable"; seq?: number; at?: string; problem?: string };
};

type Broken = { seq: number; id: string; reason: string };
const BATCH = 1000;

/**
 * Walks the chain in order from the first entry: each entry must link to the one before it and its
 * hash must be the keyed HMAC of its content (entries before `keyedFrom` may be legacy SHA-256).
 * Returns the first broken entry, or the head reached.
 */
async function walkChain(db: Executor, keyedFrom: number | null): Promise<{ checked: number; legacy: number; head: { seq: number; hash: string } | null; keyedFrom: number | null; broken?: Broken }> {
  let expectedPrev = GENESIS_HASH;
  let lastSeq = 0;
  let checked = 0;
  let legacy = 0;
  let firstKeyed = keyedFrom;
  let head: { seq: number; hash: string } | null = null;
  for (;;) {
    const rows = await listAuditRowsAfter(db, lastSeq, BATCH);
    if (rows.length === 0) return { checked, legacy, head, keyedFrom: firstKeyed };
    for (const row of rows) {
      const { seq, hash, ...content } = row;
      const broken = (reason: string) => ({ checked, legacy, head, keyedFrom: firstKeyed, broken: { seq, id: row.id, reason } });
      if (content.prevHash !== expectedPrev) return broken("its link to the previous entry does not match (an entry before it was removed or altered)");
      if (hash.startsWith(KEYED_PREFIX)) {
        firstKeyed ??= seq;
        if (hashAuditRow(content) !== hash) return broken("its content does not match its keyed hash (the entry was altered or rewritten without the audit key)");
      } else {
        if (firstKeyed !== null && seq >= firstKeyed) return broken("its hash is not keyed (the entry was rewritten without the audit key)");
        if (legacyHashAuditRow(content) !== hash) return broken("its content does not match its stored hash (the entry was altered)");
        legacy++;
      }
      expectedPrev = hash;
      lastSeq = seq;
      head = { seq, hash };
      checked++;
    }
  }
}

/** Where this database's checkpoint lives; undefined for a handle that keeps none. */
async function checkpointFile(): Promise<string | undefined> {
  return (await getDatabase()).auditCheckpointFile;
}

/** A checkpoint (the file's or one an auditor kept) against the table: its entry must still be there, unchanged. */
async function checkAgainst(db: Executor, checkpoint: AuditCheckpoint, head: { seq: number } | null, what: string): Promise<Broken | null> {
  if (!checkpointSignatureValid(checkpoint)) return { seq: checkpoint.seq, id: "(checkpoint)", reason: `${what} is not signed with this installation's audit key (it was altered or belongs elsewhere)` };
  if (checkpoint.seq === 0) return null;
  const row = await getAuditEntryAt(db, checkpoint.seq);
  if (!row) {
    const last = head?.seq ?? 0;
    return {
      seq: checkpoint.seq,
      id: "(deleted)",
      reason: last < checkpoint.seq ? `the log was truncated: ${what} records entry #${checkpoint.seq} (taken ${checkpoint.at}) but the table ends at #${last}, so ${checkpoint.seq - last} newest entries were deleted` : `entry #${checkpoint.seq}, which ${what} records, was deleted`,
    };
  }
  if (row.hash !== checkpoint.hash) return { seq: checkpoint.seq, id: row.id, reason: `the log was rewritten: entry #${checkpoint.seq} no longer has the hash ${what} records (taken ${checkpoint.at})` };
  return null;
}

/**
 * Verifies the whole chain, then its head against the signed checkpoint file and against any
 * checkpoints an auditor kept (`kept`, e.g. from GET /api/v1/audit/checkpoint). Names the first
 * altered entry, a truncation (the table ends before a checkpoint), or a rewrite (a checkpoint's
 * entry has another hash). When everything holds, the checkpoint file is moved up to the head.
 */
export async function verifyAuditChain(db: Executor, options: { kept?: AuditCheckpoint[] } = {}): Promise<ChainVerdict> {
  const file = await checkpointFile();
  const stored = file ? readCheckpointFile(file) : ({ state: "none" } as const);
  const storedKeyedFrom = stored.state === "present" && checkpointSignatureValid(stored.checkpoint) && stored.checkpoint.keyedFrom > 0 ? stored.checkpoint.keyedFrom : null;
  const walk = await walkChain(db, storedKeyedFrom);
  const extra = { ...(walk.legacy ? { legacyEntries: walk.legacy } : {}) };
  if (walk.broken) return { intact: false, checked: walk.checked, brokenAt: walk.broken, ...extra };

  for (const kept of options.kept ?? []) {
    const broken = await checkAgainst(db, kept, walk.head, "a kept checkpoint");
    if (broken) return { intact: false, checked: walk.checked, brokenAt: broken, ...extra };
  }
  if (stored.state === "unreadable") {
    return { intact: false, checked: walk.checked, brokenAt: { seq: walk.head?.seq ?? 0, id: "(checkpoint)", reason: stored.problem }, ...extra, checkpoint: { state: "unreadable", problem: stored.problem } };
  }
  if (stored.state === "present") {
    const broken = await checkAgainst(db, stored.checkpoint, walk.head, "the checkpoint file");
    if (broken) return { intact: false, checked: walk.checked, brokenAt: broken, ...extra, checkpoint: { state: "matched", seq: stored.checkpoint.seq, at: stored.checkpoint.at } };
  }
  const checkpoint = { state: stored.state === "present" ? ("matched" as const) : ("none" as const), ...(stored.state === "present" ? { seq: stored.checkpoint.seq, at: stored.checkpoint.at } : {}) };
  if (file && walk.head && (stored.state !== "present" || stored.checkpoint.seq < walk.head.seq)) {
    writeCheckpointFile(file, signCheckpoint({ seq: walk.head.seq, hash: walk.head.hash, keyedFrom: walk.keyedFrom ?? 0 }));
  }
  return { intact: true, checked: walk.checked, ...extra, checkpoint };
}

/**
 * Moves the checkpoint file up to the newest entry, after checking that the entries since the last
 * checkpoint extend it (so a tampered table is never sealed). Called shortly after audited changes
 * commit and at start; returns the checkpoint now on file, or null if none could be taken.
 */
export async function checkpointAuditChain(db: Executor): Promise<AuditCheckpoint | null> {
  const file = await checkpointFile();
  if (!file) return null;
  const newest = await getAuditHead(db);
  const stored = readCheckpointFile(file);
  if (stored.state === "present" && newest && stored.checkpoint.seq >= newest.seq) return stored.checkpoint;
  const verdict = await verifyAuditChain(db);
  if (!verdict.intact) return null;
  const after = readCheckpointFile(file);
  return after.state === "present" ? after.checkpoint : null;
}

/** The current signed head for an auditor to keep (verifies and checkpoints first); null for an empty log. */
export async function exportAuditCheckpoint(db: Executor): Promise<{ verdict: ChainVerdict; checkpoint: AuditCheckpoint | null }> {
  const verdict = await verifyAuditChain(db);
  const file = await checkpointFile();
  const stored = file ? readCheckpointFile(file) : ({ state: "none" } as const);
  return { verdict, checkpoint: verdict.intact && stored.state === "present" ? stored.checkpoint : null };
}
