import { z } from "zod";
import { getDatabase, getDb, type DatabaseHandle, type Executor } from "@/db/client";
import { listenForChanges, notifyChannel } from "@/db/notify";
import { listSettingRows, upsertSetting } from "@/db/settings";
import { recordAudit } from "../audit/record-audit";
import { requirePermission } from "../auth/require-permission";
import { withTransaction, type Ctx } from "../context";
import { DEFAULT_RESOURCE_TYPES, DEFAULT_SUBJECT_TYPES, PdpOptions } from "../policies/pdp-options";

const booleanField = z.preprocess((value) => (value === "true" || value === "on" ? true : value === "false" || value === "" ? false : value), z.boolean());

/**
 * Every setting's type, without its default. Kept apart from the defaults on purpose: zod applies
 * `.default()` even inside `.partial()`, so a partial update built from the defaulted schema would
 * silently reset every field it does not name to its default.
 */
const SETTING_FIELDS = {
  decisionRetentionDays: z.coerce.number().int().min(1).max(3650).describe("Recorded decisions older than this are dropped, a whole day at a time"),
  staleAgentDays: z.coerce.number().int().min(1).max(365).describe("An agent with no decision for this many days is stale"),
  attestationIntervalDays: z.coerce.number().int().min(1).max(730).describe("How often owners re-confirm their agents"),
  observationWindowDays: z.coerce.number().int().min(1).max(365).describe("Declared-vs-observed and out-of-scope findings look at this many days of decisions"),
  maxCredentialLifetimeSeconds: z.coerce.number().int().min(60).max(31_536_000).describe("Credentials living longer than this are standing privilege"),
  requiredDecisionRetentionDays: z.coerce
    .number()
    .int()
    .min(1)
    .max(3650)
    .describe("Frameworks evidence: the retention the organisation must keep (the retention control passes when decisionRetentionDays is at least this)"),
  maxDelegationDepth: z.coerce.number().int().min(1).max(20).describe("Frameworks evidence: the longest acceptable delegation chain (acting agents per decision)"),
  requirePolicyApproval: booleanField.describe("Four-eyes: someone other than the author approves a policy draft before publish"),
  // The PDP option schemas carry defaults; unwrapped here, or a partial update would reset them.
  pdpForbidErrors: PdpOptions.shape.forbidErrors.unwrap().describe('When a forbid policy errors during evaluation: "deny" the request (default) or "skip" the policy as Cedar does; erroring policies are recorded either way'),
  pdpSubjectTypes: z.preprocess(parseJsonText, PdpOptions.shape.subjectTypes.unwrap()).describe("AuthZEN subject type → Cedar entity type; unmapped subject types are denied"),
  pdpResourceTypes: z.preprocess(parseJsonText, PdpOptions.shape.resourceTypes.unwrap()).describe("AuthZEN resource type → Cedar entity type; unmapped resource types are denied"),
  authzenReasonContext: booleanField.describe("AuthZEN answers carry a reason `context` (off: only `decision`)"),
  taskTokenLifetimeSeconds: z.coerce.number().int().min(30).max(900).describe("Lifetime of the task tokens Steward issues (seconds, at most 15 minutes)"),
  approvalRequestMinutes: z.coerce.number().int().min(1).max(10_080).describe("Approvals: a pending access request expires (and the call stays denied) after this many minutes"),
  approvalEscalationMinutes: z.coerce.number().int().min(1).max(10_080).describe("Approvals: a request the owner has not answered after this many minutes is escalated to security engineers"),
  replicaMaxLagSeconds: z.coerce.number().int().min(1).max(3600).describe("Read replica: pages read from the primary instead while the replica is this many seconds or more behind"),
  manualEvidenceMaxValidityDays: z.coerce.number().int().min(1).max(1095).describe("Frameworks evidence: a manual attestation counts for at most this many days after it was made, whatever expiry it names"),
};

const SETTING_DEFAULTS: Settings = {
  decisionRetentionDays: 90,
  staleAgentDays: 30,
  attestationIntervalDays: 90,
  observationWindowDays: 30,
  maxCredentialLifetimeSeconds: 3600,
  requiredDecisionRetentionDays: 90,
  maxDelegationDepth: 3,
  requirePolicyApproval: false,
  pdpForbidErrors: "deny",
  pdpSubjectTypes: DEFAULT_SUBJECT_TYPES,
  pdpResourceTypes: DEFAULT_RESOURCE_TYPES,
  authzenReasonContext: false,
  taskTokenLifetimeSeconds: 300,
  approvalRequestMinutes: 60,
  approvalEscalationMinutes: 30,
  replicaMaxLagSeconds: 10,
  manualEvidenceMaxValidityDays: 365,
};

/** Every setting, its type and default. Add a key here (and to SETTING_FIELDS); nothing else stores console-wide config. */
export const SettingsSchema = z.object({
  decisionRetentionDays: SETTING_FIELDS.decisionRetentionDays.default(SETTING_DEFAULTS.decisionRetentionDays),
  staleAgentDays: SETTING_FIELDS.staleAgentDays.default(SETTING_DEFAULTS.staleAgentDays),
  attestationIntervalDays: SETTING_FIELDS.attestationIntervalDays.default(SETTING_DEFAULTS.attestationIntervalDays),
  observationWindowDays: SETTING_FIELDS.observationWindowDays.default(SETTING_DEFAULTS.observationWindowDays),
  maxCredentialLifetimeSeconds: SETTING_FIELDS.maxCredentialLifetimeSeconds.default(SETTING_DEFAULTS.maxCredentialLifetimeSeconds),
  requiredDecisionRetentionDays: SETTING_FIELDS.requiredDecisionRetentionDays.default(SETTING_DEFAULTS.requiredDecisionRetentionDays),
  maxDelegationDepth: SETTING_FIELDS.maxDelegationDepth.default(SETTING_DEFAULTS.maxDelegationDepth),
  requirePolicyApproval: SETTING_FIELDS.requirePolicyApproval.default(SETTING_DEFAULTS.requirePolicyApproval),
  pdpForbidErrors: SETTING_FIELDS.pdpForbidErrors.default(SETTING_DEFAULTS.pdpForbidErrors),
  pdpSubjectTypes: SETTING_FIELDS.pdpSubjectTypes.default(SETTING_DEFAULTS.pdpSubjectTypes),
  pdpResourceTypes: SETTING_FIELDS.pdpResourceTypes.default(SETTING_DEFAULTS.pdpResourceTypes),
  authzenReasonContext: SETTING_FIELDS.authzenReasonContext.default(SETTING_DEFAULTS.authzenReasonContext),
  taskTokenLifetimeSeconds: SETTING_FIELDS.taskTokenLifetimeSeconds.default(SETTING_DEFAULTS.taskTokenLifetimeSeconds),
  approvalRequestMinutes: SETTING_FIELDS.approvalRequestMinutes.default(SETTING_DEFAULTS.approvalRequestMinutes),
  approvalEscalationMinutes: SETTING_FIELDS.approvalEscalationMinutes.default(SETTING_DEFAULTS.approvalEscalationMinutes),
  replicaMaxLagSeconds: SETTING_FIELDS.replicaMaxLagSeconds.default(SETTING_DEFAULTS.replicaMaxLagSeconds),
  manualEvidenceMaxValidityDays: SETTING_FIELDS.manualEvidenceMaxValidityDays.default(SETTING_DEFAULTS.manualEvidenceMaxValidityDays),
});

/**
 * A partial update: names only what changes; every omitted key keeps its stored value. Unknown
 * keys are refused (a typo must not look saved).
 */
export const SettingsPatchSchema = z.object(SETTING_FIELDS).partial().strict();
export type Settings = {
  decisionRetentionDays: number;
  staleAgentDays: number;
  attestationIntervalDays: number;
  observationWindowDays: number;
  maxCredentialLifetimeSeconds: number;
  requiredDecisionRetentionDays: number;
  maxDelegationDepth: number;
  requirePolicyApproval: boolean;
  pdpForbidErrors: z.infer<typeof PdpOptions.shape.forbidErrors>;
  pdpSubjectTypes: z.infer<typeof PdpOptions.shape.subjectTypes>;
  pdpResourceTypes: z.infer<typeof PdpOptions.shape.resourceTypes>;
  authzenReasonContext: boolean;
  taskTokenLifetimeSeconds: number;
  approvalRequestMinutes: number;
  approvalEscalationMinutes: number;
  replicaMaxLagSeconds: number;
  manualEvidenceMaxValidityDays: number;
};

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
  const rows = await listSettingRows(db ?? (await getDb()));
  return SettingsSchema.parse(Object.fromEntries(rows.map((row) => [row.key, row.value])));
}

/**
 * How long a cached read of the settings is reused at most (hot paths only: getCachedSettings).
 * A change through updateSettings clears the cache at once in this process, and in every other
 * Steward process on the same server as soon as its NOTIFY arrives; this bound only matters if
 * that listening connection is down.
 */
export const SETTINGS_CACHE_MS = 5_000;
const SETTINGS_CHANNEL = "steward_settings_changed";
type CachedSettings = { handle: DatabaseHandle; until: number; settings: Promise<Settings> };
const settingsHolder = globalThis as typeof globalThis & { __stewardSettingsCache?: CachedSettings | null };

/** Other processes' settings changes clear this cache. */
const listenForSettingsChanges = () => listenForChanges(SETTINGS_CHANNEL, () => forgetCachedSettings(), `cached settings expire after ${SETTINGS_CACHE_MS} ms`);

/**
 * The settings for a hot path that reads them on every request (an access request's expiry and
 * escalation): the same answer as getSettings, without a database round trip and a schema parse
 * each time. Never inside a transaction that must see its own writes — use getSettings(tx) there.
 */
export async function getCachedSettings(now = Date.now()): Promise<Settings> {
  const handle = await getDatabase();
  await listenForSettingsChanges();
  const cached = settingsHolder.__stewardSettingsCache;
  if (cached && cached.handle === handle && cached.until > now) return cached.settings;
  const entry: CachedSettings = { handle, until: now + SETTINGS_CACHE_MS, settings: getSettings(handle.db) };
  settingsHolder.__stewardSettingsCache = entry;
  // A failed read is not cached.
  entry.settings.catch(() => {
    if (settingsHolder.__stewardSettingsCache === entry) settingsHolder.__stewardSettingsCache = null;
  });
  return entry.settings;
}

/** Drops this process's cached settings (after a change commits, or another process's NOTIFY). */
export function forgetCachedSettings(): void {
  settingsHolder.__stewardSettingsCache = null;
}

export async function updateSettings({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<Settings> {
  requirePermission(ctx.actor, "settings.manage");
  const changes = SettingsPatchSchema.parse(input);
  const updated = await withTransaction(ctx, async (tx) => {
    const before = await getSettings(tx);
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined) continue;
      await upsertSetting(tx, key, value);
    }
    const after = await getSettings(tx);
    await recordAudit(tx, ctx, { action: "settings.update", entityType: "settings", entityId: null, before, after });
    // Every process drops its cached settings at commit (none on rollback).
    await notifyChannel(tx, SETTINGS_CHANNEL);
    return after;
  });
  forgetCachedSettings();
  return updated;
}
