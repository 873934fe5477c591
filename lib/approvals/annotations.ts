import { policyAnnotations, type Diagnostic } from "../policies/cedar";
import type { ApproverGroup } from "@/db/enums";

/**
 * Requestable forbids, declared in Cedar annotations on a `forbid` policy:
 *   @approval("owner" | "security" | "owner+security")  a person of that group may lift the denial
 *   @approval_ttl("15m")   the approval then covers identical calls for this long (s, m, h, d; ≤ 7 d);
 *                          without it an approval lets exactly one re-evaluation pass
 *   @approval_four_eyes    the person who initiated the task may not approve it
 * Any other `@approval…` annotation is refused by validation, so a typo never silently makes a
 * denial final (or requestable).
 */
export type ApprovalRequirement = { groups: ApproverGroup[]; reuseSeconds: number | null; fourEyes: boolean };

const GROUPS: Record<string, ApproverGroup[]> = { owner: ["owner"], security: ["security"], "owner+security": ["owner", "security"], "security+owner": ["owner", "security"] };
const KNOWN = new Set(["approval", "approval_ttl", "approval_four_eyes"]);
const MAX_TTL_SECONDS = 7 * 24 * 3600;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** "15m" → 900; null when not a positive duration within 7 days. */
export function parseTtl(value: string): number | null {
  const match = /^(\d{1,6})([smhd])$/.exec(value.trim());
  if (!match) return null;
  const seconds = Number(match[1]) * UNIT_SECONDS[match[2]!]!;
  return seconds > 0 && seconds <= MAX_TTL_SECONDS ? seconds : null;
}

/** What the annotations of one policy text declare, plus problems (for validation). */
export function readApprovalAnnotations(text: string): { requirement: ApprovalRequirement | null; problems: string[] } {
  const parsed = policyAnnotations(text);
  if (!parsed) return { requirement: null, problems: [] };
  const { annotations } = parsed;
  const problems: string[] = [];
  for (const name of Object.keys(annotations)) {
    if (name.startsWith("approval") && !KNOWN.has(name)) problems.push(`Unknown annotation @${name}; use @approval, @approval_ttl or @approval_four_eyes`);
  }
  const approval = annotations.approval;
  const ttl = annotations.approval_ttl;
  const fourEyes = "approval_four_eyes" in annotations;
  if (approval === undefined) {
    if (ttl !== undefined || fourEyes) problems.push("@approval_ttl and @approval_four_eyes need an @approval annotation on the same policy");
    return { requirement: null, problems };
  }
  const groups = approval === null ? undefined : GROUPS[approval.trim()];
  if (!groups) problems.push(`@approval must be "owner", "security" or "owner+security" (got ${approval === null ? "no value" : JSON.stringify(approval)})`);
  if (parsed.effect !== "forbid") problems.push("@approval only applies to forbid policies: a permit cannot be requested");
  let reuseSeconds: number | null = null;
  if (ttl !== undefined) {
    reuseSeconds = ttl === null ? null : parseTtl(ttl);
    if (reuseSeconds === null) problems.push(`@approval_ttl must be a duration like "15m", "2h" or "1d", at most 7 days (got ${ttl === null ? "no value" : JSON.stringify(ttl)})`);
  }
  const fourEyesValue = annotations.approval_four_eyes;
  if (fourEyes && fourEyesValue !== null && fourEyesValue !== "true") problems.push('@approval_four_eyes takes no value (or "true")');
  if (problems.length || !groups) return { requirement: null, problems };
  return { requirement: { groups, reuseSeconds, fourEyes }, problems };
}

/**
 * Editor diagnostics for a policy's approval annotations, and a warning when the policy reads
 * `context.approved`: Steward ignores that caller-supplied flag (it is always false), so such a
 * condition never holds as the author meant. Requestable forbids replace it.
 */
export function approvalDiagnostics(policyId: string, text: string): Diagnostic[] {
  const at = (pattern: RegExp) => {
    const index = Math.max(0, text.search(pattern));
    const before = text.slice(0, index).split("\n");
    return { line: before.length, column: before.at(-1)!.length + 1 };
  };
  const out: Diagnostic[] = readApprovalAnnotations(text).problems.map((message) => {
    const where = at(/@approval/);
    return { severity: "error", message, line: where.line, column: where.column, endLine: where.line, endColumn: where.column + 9, source: policyId };
  });
  if (/context\s*\.\s*approved\b|context\s*\[\s*"approved"\s*\]/.test(text)) {
    const where = at(/context\s*(\.\s*approved|\[\s*"approved")/);
    out.push({
      severity: "warning",
      message: 'context.approved is ignored: callers cannot claim an approval (it is always false). Mark the forbid requestable with @approval("owner") instead.',
      line: where.line,
      column: where.column,
      endLine: where.line,
      endColumn: where.column + 16,
      source: policyId,
    });
  }
  return out;
}

/** Requirements of every requestable policy of a set, by policy id. */
export function requirementsOf(policies: { id: string; source: string }[]): Map<string, ApprovalRequirement> {
  const out = new Map<string, ApprovalRequirement>();
  for (const policy of policies) {
    const { requirement } = readApprovalAnnotations(policy.source);
    if (requirement) out.set(policy.id, requirement);
  }
  return out;
}

/** The union of several requestable policies' requirements: every group, the shortest reuse, four-eyes if any asks. */
export function combineRequirements(items: ApprovalRequirement[]): ApprovalRequirement {
  const groups = [...new Set(items.flatMap((item) => item.groups))].sort() as ApproverGroup[];
  const reuse = items.map((item) => item.reuseSeconds);
  return { groups, reuseSeconds: reuse.some((value) => value === null) ? null : Math.min(...(reuse as number[])), fourEyes: items.some((item) => item.fourEyes) };
}
