import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { createHmac } from "node:crypto";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { asc, eq, gte, sql } from "drizzle-orm";
import { suiteDatabase } from "@/testing/database";
import { auditLog } from "@/db/schema";
import { userContext } from "@/testing/context";
import { canonicalJson } from "./canonical-json";
import { AuditCheckpoint, KEYED_PREFIX } from "./checkpoint";
import { legacyHashAuditRow, recordAudit, settleScheduledCheckpoint, type AuditRowContent } from "./record-audit";
import { checkpointAuditChain, exportAuditCheckpoint, verifyAuditChain } from "./verify-chain";

const database = suiteDatabase();
let checkpointPath = "";
beforeAll(async () => {
  checkpointPath = database.auditCheckpointFile!;
});
// Every test starts from an empty log and no checkpoint, whatever ran before it.
beforeEach(async () => {
  await settleScheduledCheckpoint(); // a checkpoint the previous test scheduled must not land in this one
  await database.db.execute(sql`truncate audit_log restart identity`);
  rmSync(checkpointPath, { force: true });
});

const admin = userContext("admin");
async function writeEntries(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await database.db.transaction((tx) => recordAudit(tx, admin, { action: "settings.update", entityType: "settings", entityId: `s-${i}`, after: { n: i } }));
  }
}
const rows = () => database.db.select().from(auditLog).orderBy(asc(auditLog.seq));
const contentOf = ({ seq: _seq, hash: _hash, ...content }: typeof auditLog.$inferSelect): AuditRowContent => content;

describe("the keyed audit chain", () => {
  it("hashes every entry with HMAC-SHA-256 under a key that is not in the database", async () => {
    await writeEntries(3);
    const written = await rows();
    expect(written.every((row) => row.hash.startsWith(KEYED_PREFIX))).toBe(true);
    // Recomputing the plain SHA-256 (all a database writer could do before) does not give the stored hash.
    expect(written.map((row) => legacyHashAuditRow(contentOf(row)))).not.toContain(written[0]!.hash.slice(KEYED_PREFIX.length));
    const keyText = JSON.stringify(await database.db.execute(sql`select * from audit_log`));
    expect(keyText).not.toContain("audit-key");
    await expect(verifyAuditChain(database.db)).resolves.toMatchObject({ intact: true, checked: 3 });
  });

  it("names a truncation: the newest three entries deleted after the checkpoint", async () => {
    await writeEntries(6);
    const checkpoint = await checkpointAuditChain(database.db);
    expect(checkpoint).toMatchObject({ seq: 6 });
    await database.db.delete(auditLog).where(gte(auditLog.seq, 4));
    const verdict = await verifyAuditChain(database.db);
    expect(verdict).toMatchObject({ intact: false, checked: 3, brokenAt: { seq: 6, id: "(deleted)", reason: expect.stringMatching(/truncated.*#6.*ends at #3, so 3 newest entries were deleted/) } });
  });

  it("names a rewrite whose SHA-256 chain was recomputed from the altered entry on", async () => {
    await writeEntries(5);
    await checkpointAuditChain(database.db);
    // The attacker edits entry 2 and recomputes every hash after it, as the unkeyed chain allowed.
    let prev = (await rows())[0]!.hash;
    for (const row of (await rows()).slice(1)) {
      const content = { ...contentOf(row), prevHash: prev, after: row.seq === 2 ? { n: 999 } : row.after };
      const hash = legacyHashAuditRow(content);
      await database.db.update(auditLog).set({ after: content.after, prevHash: prev, hash }).where(eq(auditLog.seq, row.seq));
      prev = hash;
    }
    expect(await verifyAuditChain(database.db)).toMatchObject({ intact: false, checked: 1, brokenAt: { seq: 2, reason: expect.stringMatching(/rewritten without the audit key/) } });
  });

  it("names a rewrite keyed with another key, and a rewrite of the whole table that the checkpoint contradicts", async () => {
    await writeEntries(4);
    await checkpointAuditChain(database.db);
    const wrongKey = "not-the-installation-key-000000000000000";
    let prev = "0".repeat(64);
    for (const row of await rows()) {
      const content = { ...contentOf(row), prevHash: prev };
      const hash = KEYED_PREFIX + createHmac("sha256", wrongKey).update(canonicalJson({ ...content, at: content.at.toISOString() })).digest("hex");
      await database.db.update(auditLog).set({ prevHash: prev, hash }).where(eq(auditLog.seq, row.seq));
      prev = hash;
    }
    expect(await verifyAuditChain(database.db)).toMatchObject({ intact: false, checked: 0, brokenAt: { seq: 1, reason: expect.stringMatching(/does not match its keyed hash/) } });
  });

  it("refuses a checkpoint file that was edited, and trusts a kept export after the file is deleted", async () => {
    await writeEntries(5);
    const { checkpoint: kept } = await exportAuditCheckpoint(database.db);
    expect(AuditCheckpoint.parse(kept)).toMatchObject({ seq: 5, hash: expect.stringMatching(/^hmac-sha256:/) });

    const edited = { ...JSON.parse(readFileSync(checkpointPath, "utf8")), seq: 2 };
    writeFileSync(checkpointPath, JSON.stringify(edited));
    expect(await verifyAuditChain(database.db)).toMatchObject({ intact: false, brokenAt: { reason: expect.stringMatching(/the checkpoint file is not signed with this installation's audit key/) } });

    // An attacker who deletes the file and the newest entries is caught by the checkpoint an auditor kept.
    rmSync(checkpointPath);
    await database.db.delete(auditLog).where(gte(auditLog.seq, 4));
    expect(await verifyAuditChain(database.db, { kept: [kept!] })).toMatchObject({ intact: false, brokenAt: { seq: 5, reason: expect.stringMatching(/truncated: a kept checkpoint records entry #5/) } });
  });

  it("moves the checkpoint up after audited changes commit, and never seals a tampered table", async () => {
    await writeEntries(2);
    await expect.poll(() => readFileSync(checkpointPath, "utf8"), { timeout: 5_000 }).toContain('"seq": 2');
    await database.db.delete(auditLog).where(eq(auditLog.seq, 2));
    await writeEntries(1);
    // The new entry links to #1: the scheduled checkpoint must refuse to move past the missing #2.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(JSON.parse(readFileSync(checkpointPath, "utf8"))).toMatchObject({ seq: 2 });
    expect(await checkpointAuditChain(database.db)).toBeNull();
    expect(await verifyAuditChain(database.db)).toMatchObject({ intact: false, brokenAt: { seq: 2, id: "(deleted)" } });
  });

  it("accepts plain SHA-256 entries from before keying only as the start of the chain", async () => {
    // Two entries as the previous version wrote them, then keyed ones linked to them; an installation
    // upgraded from that version has no checkpoint yet.
    await writeEntries(4);
    await settleScheduledCheckpoint();
    rmSync(checkpointPath, { force: true });
    let prev = "0".repeat(64);
    for (const row of (await rows()).slice(0, 2)) {
      const hash = legacyHashAuditRow({ ...contentOf(row), prevHash: prev });
      await database.db.update(auditLog).set({ prevHash: prev, hash }).where(eq(auditLog.seq, row.seq));
      prev = hash;
    }
    const third = (await rows())[2]!;
    const { hashAuditRow } = await import("./record-audit");
    await database.db.update(auditLog).set({ prevHash: prev, hash: hashAuditRow({ ...contentOf(third), prevHash: prev }) }).where(eq(auditLog.seq, 3));
    const fourth = (await rows())[3]!;
    const thirdHash = (await rows())[2]!.hash;
    await database.db.update(auditLog).set({ prevHash: thirdHash, hash: hashAuditRow({ ...contentOf(fourth), prevHash: thirdHash }) }).where(eq(auditLog.seq, 4));
    expect(await verifyAuditChain(database.db)).toMatchObject({ intact: true, checked: 4, legacyEntries: 2 });

    // A legacy-hashed entry after the first keyed one is a rewrite.
    const legacyFourth = legacyHashAuditRow({ ...contentOf(fourth), prevHash: thirdHash });
    await database.db.update(auditLog).set({ hash: legacyFourth }).where(eq(auditLog.seq, 4));
    expect(await verifyAuditChain(database.db)).toMatchObject({ intact: false, brokenAt: { seq: 4, reason: expect.stringMatching(/not keyed/) } });
  });
});
