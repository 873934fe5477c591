import { eq } from "drizzle-orm";
import { z } from "zod";
import { getDb, type Executor } from "@/db/client";
import { settings } from "@/db/schema";
import { recordAudit } from "../audit/record-audit";
import { requirePermission } from "../auth/require-permission";
import { withTransaction, type Ctx } from "../context";
import { DEFAULT_RESOURCE_TYPES, DEFAULT_SUBJECT_TYPES, PdpOptions } from "../policies/pdp-options";

/** Every setting, its type and default. Add a key here; nothing else stores console-wide config. */
export const SettingsSchema = z.object({
  decisionRetentionDays: z.coerce.number().int().min(1).max(3650).default(90).describe("Recorded decisions older than this are dropped, a whole day at a time"),
  staleAgentDays: z.coerce.number().int().min(1).max(365).default(30).describe("An agent with no decision for this many days is stale"),
  attestationIntervalDays: z.coerce.number().int().min(1).max(730).default(90).describe("How often owners re-confirm their agents"),
  observationWindowDays: z.coerce.number().int().min(1).max(365).default(30).describe("Declared-vs-observed and out-of-scope findings look at this many days of decisions"),
  maxCredentialLifetimeSeconds: z.coerce.number().int().min(60).max(31_536_000).default(3600).describe("Credentials living longer than this are standing privilege"),
  requiredDecisionRetentionDays: z.coerce.number().int().min(1).max(3650).default(90).describe("Frameworks evidence: the retention the organisation must keep (the retention control passes when decisionRetentionDays is at least this)"),
  maxDelegationDepth: z.coerce.number().int().min(1).max(20).default(3).describe("Frameworks evidence: the longest acceptable delegation chain (acting agents per decision)"),
  pdpForbidErrors: PdpOptions.shape.forbidErrors.describe('When a forbid policy errors during evaluation: "deny" the request (default) or "skip" the policy as Cedar does; erroring policies are recorded either way'),
  pdpSubjectTypes: z.preprocess(parseJsonText, PdpOptions.shape.subjectTypes).default(DEFAULT_SUBJECT_TYPES).describe("AuthZEN subject type → Cedar entity type; unmapped subject types are denied"),
  pdpResourceTypes: z.preprocess(parseJsonText, PdpOptions.shape.resourceTypes).default(DEFAULT_RESOURCE_TYPES).describe("AuthZEN resource type → Cedar entity type; unmapped resource types are denied"),
  authzenReasonContext: z.preprocess((value) => (value === "true" || value === "on" ? true : value === "false" || value === "" ? false : value), z.boolean()).default(false).describe("AuthZEN answers carry a reason `context` (off: only `decision`)"),
  requirePolicyApproval: z.preprocess((value) => (value === "true" || value === "on" ? true : value === "false" || value === "" ? false : value), z.boolean()).default(false).describe("Four-eyes: someone other than the author approves a policy draft before publish"),
  approvalRequestMinutes: z.coerce.number().int().min(1).max(10_080).default(60).describe("Approvals: a pending access request expires (and the call stays denied) after this many minutes"),
  approvalEscalationMinutes: z.coerce.number().int().min(1).max(10_080).default(30).describe("Approvals: a request the owner has not answered after this many minutes is escalated to security engineers"),
});
export type Settings = z.infer<typeof SettingsSchema>;

/** A form posts a JSON object as text; anything else is passed on for the schema to judge. */
function parseJsonText(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

export async function getSettings(db?: Executor): Promise<Settings> {
  const rows = await (db ?? (await getDb())).select().from(settings);
  return SettingsSchema.parse(Object.fromEntries(rows.map((row) => [row.key, row.value])));
}

export async function updateSettings({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<Settings> {
  requirePermission(ctx.actor, "settings.manage");
  const changes = SettingsSchema.partial().parse(input);
  return withTransaction(ctx, async (tx) => {
    const before = await getSettings(tx);
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined) continue;
      const existing = await tx.select().from(settings).where(eq(settings.key, key));
      if (existing.length) await tx.update(settings).set({ value, updatedAt: new Date() }).where(eq(settings.key, key));
      else await tx.insert(settings).values({ key, value });
    }
    const after = await getSettings(tx);
    await recordAudit(tx, ctx, { action: "settings.update", entityType: "settings", entityId: null, before, after });
    return after;
  });
}
