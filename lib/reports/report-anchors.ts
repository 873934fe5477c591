import { createHmac, timingSafeEqual } from "node:crypto";
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { getAuditEntryAt } from "@/db/audit";
import { getDatabase, getDb, reportAnchorsFileFor } from "@/db/client";
import { getReportSnapshotOrThrow, type ReportSnapshotRow } from "@/db/frameworks";
import { canonicalJson } from "../audit/canonical-json";
import { requirePermission } from "../auth/require-permission";
import { getConfig } from "../config";
import type { Ctx } from "../context";
import { reportHash } from "./report-hash";
import type { ReportContent } from "./report-content";

/**
 * Report anchors: each report's SHA-256 and the audit chain's head when it was made, appended as one
 * signed JSON line to a file outside the database (beside the audit checkpoint, see docs/audit.md),
 * so that someone who can rewrite the database — the report row, its hash column and the audit trail
 * together — still cannot make an altered report verify. The line is signed with HMAC-SHA-256
 * (RFC 2104) under the audit key, which is not in the database either.
 */
export const ReportAnchor = z.object({
  version: z.literal(1),
  reportId: z.string().max(80),
  /** SHA-256 (hex) of the report's canonical content when it was stored. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** The audit chain's newest entry when the report was made (null: empty log). */
  auditHead: z.object({ seq: z.number().int().nonnegative(), hash: z.string().max(200) }).nullable(),
  /** RFC 3339. */
  at: z.string().max(40),
  mac: z.string().regex(/^[0-9a-f]{64}$/),
});
export type ReportAnchor = z.infer<typeof ReportAnchor>;

const macOf = (unsigned: Omit<ReportAnchor, "mac">) => createHmac("sha256", getConfig().auditKey).update(canonicalJson(unsigned)).digest("hex");

function signatureValid(anchor: ReportAnchor): boolean {
  const { mac, ...unsigned } = anchor;
  const expected = Buffer.from(macOf(unsigned), "hex");
  const given = Buffer.from(mac, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function anchorsFile(): Promise<string | undefined> {
  const checkpoint = (await getDatabase()).auditCheckpointFile;
  return checkpoint ? reportAnchorsFileFor(checkpoint) : undefined;
}

/**
 * Appends the anchor of a stored report (after its transaction committed). A failure is reported,
 * never swallowed into a pass: verification then says the report is not anchored.
 */
export async function anchorReport(snapshot: Pick<ReportSnapshotRow, "id" | "sha256" | "createdAt">, auditHead: { seq: number; hash: string } | null): Promise<ReportAnchor | null> {
  const file = await anchorsFile();
  if (!file) return null;
  const unsigned = { version: 1 as const, reportId: snapshot.id, sha256: snapshot.sha256, auditHead, at: snapshot.createdAt.toISOString() };
  const anchor: ReportAnchor = { ...unsigned, mac: macOf(unsigned) };
  mkdirSync(path.dirname(file), { recursive: true });
  // One line per report, O_APPEND: concurrent appends of lines this short are not interleaved.
  appendFileSync(file, JSON.stringify(anchor) + "\n", { mode: 0o600 });
  return anchor;
}

/** The anchor lines recorded for `reportId` (normally one), and lines that are not valid anchors. */
function readAnchors(file: string, reportId: string): { anchors: ReportAnchor[]; unreadable: number } {
  if (!existsSync(file)) return { anchors: [], unreadable: 0 };
  const anchors: ReportAnchor[] = [];
  let unreadable = 0;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line.trim() || !line.includes(reportId)) continue;
    try {
      const parsed = ReportAnchor.safeParse(JSON.parse(line));
      if (!parsed.success) unreadable++;
      else if (parsed.data.reportId === reportId) anchors.push(parsed.data);
    } catch {
      unreadable++;
    }
  }
  return { anchors, unreadable };
}

export type ReportCheck = { check: "content_hash" | "anchor" | "anchored_hash" | "audit_head"; ok: boolean; detail: string };
export type ReportVerdict = { reportId: string; verified: boolean; sha256: string; recomputedSha256: string; anchor: ReportAnchor | null; checks: ReportCheck[] };

/**
 * Verifies a stored report (reports.read): recomputes the SHA-256 of its content and compares it with
 * the stored hash and with the anchor kept outside the database (whose signature must hold), and
 * checks that the audit entry the anchor records as the head at creation still has that hash. Any
 * failed check — including a missing anchor — makes `verified` false. `not_found` for an unknown report.
 */
export async function verifyReport({ ctx, reportId }: { ctx: Ctx; reportId: string }): Promise<ReportVerdict> {
  requirePermission(ctx.actor, "reports.read");
  const db = ctx.tx ?? (await getDb());
  const snapshot = await getReportSnapshotOrThrow(db, reportId);
  const content = snapshot.content as ReportContent;
  const recomputed = reportHash(content);
  const checks: ReportCheck[] = [];
  checks.push(
    recomputed === snapshot.sha256
      ? { check: "content_hash", ok: true, detail: "the stored content hashes to the stored SHA-256" }
      : { check: "content_hash", ok: false, detail: `the stored content hashes to ${recomputed}, not the stored ${snapshot.sha256}: the content was altered` },
  );
  const file = await anchorsFile();
  const { anchors, unreadable } = file ? readAnchors(file, reportId) : { anchors: [], unreadable: 0 };
  const signed = anchors.filter(signatureValid);
  const anchor = signed.at(-1) ?? null;
  if (!anchor) {
    checks.push({
      check: "anchor",
      ok: false,
      detail: anchors.length
        ? "the anchor kept for this report is not signed with this installation's audit key (it was altered or belongs elsewhere)"
        : `no anchor is kept for this report outside the database${unreadable ? ` (${unreadable} unreadable anchor lines)` : ""}: it cannot be verified`,
    });
  } else {
    checks.push({ check: "anchor", ok: true, detail: `anchored ${anchor.at}` });
    checks.push(
      anchor.sha256 === recomputed && anchor.sha256 === snapshot.sha256
        ? { check: "anchored_hash", ok: true, detail: "the content hashes to the SHA-256 anchored when the report was made" }
        : { check: "anchored_hash", ok: false, detail: `the report was altered after it was made: the anchor records ${anchor.sha256}, the content now hashes to ${recomputed}` },
    );
    const recorded = content.auditHead ?? null;
    if (!anchor.auditHead) {
      checks.push({ check: "audit_head", ok: recorded === null, detail: recorded === null ? "the audit log was empty when the report was made" : "the report records an audit head the anchor does not" });
    } else {
      const entry = await getAuditEntryAt(db, anchor.auditHead.seq);
      const ok = entry?.hash === anchor.auditHead.hash && recorded?.seq === anchor.auditHead.seq && recorded?.hash === anchor.auditHead.hash;
      checks.push({
        check: "audit_head",
        ok,
        detail: ok
          ? `audit entry #${anchor.auditHead.seq} still has the hash anchored with the report`
          : !entry
            ? `audit entry #${anchor.auditHead.seq}, the head when the report was made, is gone: the audit log was truncated`
            : entry.hash !== anchor.auditHead.hash
              ? `audit entry #${anchor.auditHead.seq} no longer has the hash anchored with the report: the audit log was rewritten`
              : "the audit head stored in the report differs from the anchored one",
      });
    }
  }
  return { reportId, verified: checks.every((check) => check.ok), sha256: snapshot.sha256, recomputedSha256: recomputed, anchor, checks };
}
