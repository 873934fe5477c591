import { asc, gt } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { auditLog } from "@/db/schema";
import { GENESIS_HASH, hashAuditRow } from "./record-audit";

export type ChainVerdict =
  | { intact: true; checked: number }
  | { intact: false; checked: number; brokenAt: { seq: number; id: string; reason: string } };

const BATCH = 1000;

/** Recomputes every row's hash in order and names the first row whose content or link does not match. */
export async function verifyAuditChain(db: Executor): Promise<ChainVerdict> {
  let expectedPrev = GENESIS_HASH;
  let lastSeq = 0;
  let checked = 0;
  for (;;) {
    const rows = await db.select().from(auditLog).where(gt(auditLog.seq, lastSeq)).orderBy(asc(auditLog.seq)).limit(BATCH);
    if (rows.length === 0) return { intact: true, checked };
    for (const row of rows) {
      const { seq, hash, ...content } = row;
      if (content.prevHash !== expectedPrev) {
        return { intact: false, checked, brokenAt: { seq, id: row.id, reason: "its link to the previous entry does not match (an entry before it was removed or altered)" } };
      }
      if (hashAuditRow(content) !== hash) {
        return { intact: false, checked, brokenAt: { seq, id: row.id, reason: "its content does not match its stored hash (the entry was altered)" } };
      }
      expectedPrev = hash;
      lastSeq = seq;
      checked++;
    }
  }
}
