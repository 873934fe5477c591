import { describe, expect, it } from "vitest";
import { suiteDatabase } from "@/testing/database";
import { settings } from "@/db/schema";
import { userContext } from "@/testing/context";
import { eq, sql } from "drizzle-orm";
import { getCachedSettings, getSettings, SETTINGS_CACHE_MS, SettingsPatchSchema, updateSettings, type Settings } from "./settings";

const database = suiteDatabase();

const admin = () => userContext("admin");

/** Every setting set away from its default, so a reset to default is visible. */
const CUSTOM: Settings = {
  decisionRetentionDays: 400,
  staleAgentDays: 11,
  attestationIntervalDays: 45,
  observationWindowDays: 12,
  maxCredentialLifetimeSeconds: 900,
  requiredDecisionRetentionDays: 365,
  maxDelegationDepth: 7,
  pdpForbidErrors: "skip",
  pdpSubjectTypes: { agent: "Agent", user: "Person", bot: "Agent" },
  pdpResourceTypes: { tool: "Tool", resource: "Resource", document: "Resource" },
  authzenReasonContext: true,
  taskTokenLifetimeSeconds: 120,
  manualEvidenceMaxValidityDays: 180,
  approvalRequestMinutes: 90,
  approvalEscalationMinutes: 20,
  replicaMaxLagSeconds: 25,
  requirePolicyApproval: true,
};

/** A second value for the settings that are neither numbers nor booleans. */
const OTHER: Partial<Settings> = { pdpForbidErrors: "deny", pdpSubjectTypes: { agent: "Agent", user: "Person" }, pdpResourceTypes: { tool: "Tool", resource: "Resource" } };

describe("item 14: a partial settings update changes only what it names", () => {
  it.each(Object.keys(CUSTOM) as (keyof Settings)[])("changing only %s keeps every other setting", async (key) => {
    await database.db.delete(settings);
    await updateSettings({ ctx: admin(), input: CUSTOM });
    expect(await getSettings()).toEqual(CUSTOM);
    const value = key in OTHER ? OTHER[key] : typeof CUSTOM[key] === "boolean" ? false : (CUSTOM[key] as number) + 1;
    const after = await updateSettings({ ctx: admin(), input: { [key]: value } });
    expect(after).toEqual({ ...CUSTOM, [key]: value });
    expect(await getSettings()).toEqual({ ...CUSTOM, [key]: value });
  });

  it("the Settings form's fields (strings, as FormData sends them) leave the fields it does not show alone", async () => {
    await database.db.delete(settings);
    await updateSettings({ ctx: admin(), input: CUSTOM });
    const form = { decisionRetentionDays: "30", staleAgentDays: "20", attestationIntervalDays: "60", maxCredentialLifetimeSeconds: "1200", requirePolicyApproval: "" };
    const after = await updateSettings({ ctx: admin(), input: form });
    expect(after).toEqual({ ...CUSTOM, decisionRetentionDays: 30, staleAgentDays: 20, attestationIntervalDays: 60, maxCredentialLifetimeSeconds: 1200, requirePolicyApproval: false });
    // Not shown by the form, so untouched:
    expect(after.maxDelegationDepth).toBe(7);
    expect(after.observationWindowDays).toBe(12);
    expect(after.requiredDecisionRetentionDays).toBe(365);
  });

  it("an empty update changes nothing, and an unknown key is refused rather than looking saved", async () => {
    await database.db.delete(settings);
    await updateSettings({ ctx: admin(), input: CUSTOM });
    expect(await updateSettings({ ctx: admin(), input: {} })).toEqual(CUSTOM);
    await expect(updateSettings({ ctx: admin(), input: { decisionRetentionDay: 5 } })).rejects.toMatchObject({ issues: [expect.objectContaining({ code: "unrecognized_keys" })] });
    expect(SettingsPatchSchema.parse({})).toEqual({});
  });

  it("only administrators change settings", async () => {
    for (const role of ["security", "risk", "viewer"] as const) {
      await expect(updateSettings({ ctx: userContext(role), input: { staleAgentDays: 3 } })).rejects.toMatchObject({ code: "forbidden" });
    }
  });
});

describe("cached settings for hot paths (an access request's expiry)", () => {
  it("answers what getSettings answers, and sees a change through updateSettings at once", async () => {
    expect(await getCachedSettings()).toEqual(await getSettings(database.db));
    const before = (await getCachedSettings()).approvalRequestMinutes;
    await updateSettings({ ctx: admin(), input: { approvalRequestMinutes: before + 7 } });
    expect((await getCachedSettings()).approvalRequestMinutes).toBe(before + 7);
  });

  it("a change committed elsewhere: seen on its NOTIFY (PostgreSQL), and within SETTINGS_CACHE_MS whatever happens", async () => {
    const now = Date.now();
    const current = (await getCachedSettings(now)).approvalEscalationMinutes;
    // Another Steward process's change: a write this process did not make.
    await database.db.insert(settings).values({ key: "approvalEscalationMinutes", value: current + 3 }).onConflictDoUpdate({ target: settings.key, set: { value: current + 3 } });
    expect((await getCachedSettings(now)).approvalEscalationMinutes).toBe(current);
    expect((await getCachedSettings(now + SETTINGS_CACHE_MS + 1)).approvalEscalationMinutes).toBe(current + 3);
    if (process.env.STEWARD_TEST_DB === "postgres") {
      const later = Date.now();
      await database.db.update(settings).set({ value: current + 4 }).where(eq(settings.key, "approvalEscalationMinutes"));
      await database.db.execute(sql`select pg_notify('steward_settings_changed', '')`);
      const deadline = Date.now() + 2_000;
      while ((await getCachedSettings(later)).approvalEscalationMinutes !== current + 4 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect((await getCachedSettings(later)).approvalEscalationMinutes).toBe(current + 4);
    }
  });
});
