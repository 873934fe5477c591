import { eq, sql } from "drizzle-orm";
import type { Executor, Tx } from "@/db/client";
import { DRAFT_WORKSPACE_ID, findApproval, getLatestRevision, getLatestVersion, getVersionByRevisionOrThrow, getWorkspace } from "@/db/policies";
import { policies, policyApprovals, policyTests, policyVersions, policyWorkspace } from "@/db/schema";
import { recordAudit } from "../audit/record-audit";
import { actorLabel } from "../auth/actor";
import { requirePermission } from "../auth/require-permission";
import { withTransaction, type Ctx } from "../context";
import { StewardError } from "../errors";
import { newId } from "../ids";
import { getSettings } from "../settings/settings";
import { hashContent, type PolicySetContent } from "./content";
import { loadDraftContent } from "./draft-content";
import { DEFAULT_CEDAR_SCHEMA } from "./default-schema";
import { forgetPublishedEngine } from "./published-engine";
import { runPolicyTests } from "./run-tests";
import { PublishInput, RollbackInput } from "./schemas";
import { validateContent } from "./validate";

/** Serialises publishes so revisions are gap-free and two publishers cannot both win. */
const PUBLISH_LOCK_KEY = 7_363_005;

/** Validation errors and failing tests block a publish; the message says which and where. */
export function assertPublishable(content: PolicySetContent): void {
  const validation = validateContent(content);
  const firstError = validation.diagnostics.find((item) => item.severity === "error");
  if (firstError) {
    throw new StewardError("precondition_failed", `Publishing is blocked: ${firstError.source} has an error at line ${firstError.line}, column ${firstError.column}: ${firstError.message}`, {
      details: { diagnostics: validation.diagnostics },
    });
  }
  const failing = runPolicyTests(content).filter((result) => !result.passed);
  if (failing.length) {
    throw new StewardError("precondition_failed", `Publishing is blocked: ${failing.length} policy test${failing.length === 1 ? "" : "s"} failing — "${failing[0]!.name}": ${failing[0]!.message}`, {
      details: { failing },
    });
  }
}

/** `latestRevision` is read by the caller under the publish lock. */
async function insertVersion(tx: Tx, ctx: Ctx, latestRevision: number | null, content: PolicySetContent, message: string, rolledBackFrom: number | null) {
  const contentHash = hashContent(content);
  const [row] = await tx
    .insert(policyVersions)
    .values({
      id: newId("pv"),
      revision: (latestRevision ?? 0) + 1,
      message,
      authorId: ctx.actor.type === "user" ? ctx.actor.userId : null,
      authorLabel: actorLabel(ctx.actor),
      contentHash,
      content,
      rolledBackFrom,
    })
    .returning();
  await tx.update(policyWorkspace).set({ editorIds: [] }).where(eq(policyWorkspace.id, DRAFT_WORKSPACE_ID));
  return row!;
}

const versionView = (row: typeof policyVersions.$inferSelect) => ({
  id: row.id,
  revision: row.revision,
  message: row.message,
  authorLabel: row.authorLabel,
  contentHash: row.contentHash,
  rolledBackFrom: row.rolledBackFrom,
  createdAt: row.createdAt,
});

/** Four-eyes: someone who did not edit this exact draft content approves it. */
export async function approveDraft({ ctx }: { ctx: Ctx; input?: unknown }) {
  requirePermission(ctx.actor, "policies.approve");
  if (ctx.actor.type !== "user") throw new StewardError("forbidden", "Only people approve policy drafts");
  const userId = ctx.actor.userId;
  return withTransaction(ctx, async (tx) => {
    const workspace = await getWorkspace(tx, DEFAULT_CEDAR_SCHEMA);
    if (workspace.editorIds.includes(userId)) throw new StewardError("precondition_failed", "You edited this draft; someone else must approve it");
    const content = await loadDraftContent(tx);
    const contentHash = hashContent(content);
    const approval = { id: newId("pap"), contentHash, approvedBy: userId, approvedByLabel: actorLabel(ctx.actor) };
    await tx.insert(policyApprovals).values(approval);
    await recordAudit(tx, ctx, { action: "policy_draft.approve", entityType: "policy_draft", entityId: DRAFT_WORKSPACE_ID, after: approval });
    return approval;
  });
}

export async function publishDraft({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "policies.publish");
  const { message } = PublishInput.parse(input);
  const published = await withTransaction(ctx, async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${PUBLISH_LOCK_KEY})`);
    const content = await loadDraftContent(tx);
    assertPublishable(content);
    const contentHash = hashContent(content);
    const settings = await getSettings(tx);
    if (settings.requirePolicyApproval && !(await findApproval(tx, contentHash))) {
      throw new StewardError("precondition_failed", "Publishing is blocked: this draft needs approval from someone other than its authors (four-eyes rule)");
    }
    const latest = await getLatestVersion(tx);
    if (latest?.contentHash === contentHash) throw new StewardError("conflict", `Nothing to publish: the draft equals revision ${latest.revision}`);
    const row = await insertVersion(tx, ctx, latest?.revision ?? null, content, message, null);
    await recordAudit(tx, ctx, { action: "policy_version.publish", entityType: "policy_version", entityId: row.id, before: latest ? versionView(latest) : null, after: versionView(row) });
    return versionView(row);
  });
  forgetPublishedEngine();
  return published;
}

/**
 * Publishes an old version's content as a new revision and resets the draft to it. Tests and
 * validation run again (the old version passed them under its own schema, and still must).
 */
export async function rollbackToVersion({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "policies.publish");
  const { revision, message } = RollbackInput.parse(input);
  const published = await withTransaction(ctx, async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${PUBLISH_LOCK_KEY})`);
    const target = await getVersionByRevisionOrThrow(tx, revision);
    const content = target.content as PolicySetContent;
    assertPublishable(content);
    const latest = await getLatestVersion(tx);
    const row = await insertVersion(tx, ctx, latest?.revision ?? null, content, message || `Roll back to revision ${revision}`, revision);
    await tx.delete(policies);
    if (content.policies.length) await tx.insert(policies).values(content.policies.map((policy) => ({ ...policy, updatedBy: ctx.actor.type === "user" ? ctx.actor.userId : null })));
    await tx.delete(policyTests);
    if (content.tests.length) await tx.insert(policyTests).values(content.tests);
    await tx.update(policyWorkspace).set({ schemaText: content.schemaText, entities: content.entities, editorIds: [] }).where(eq(policyWorkspace.id, DRAFT_WORKSPACE_ID));
    await recordAudit(tx, ctx, { action: "policy_version.rollback", entityType: "policy_version", entityId: row.id, before: latest ? versionView(latest) : null, after: versionView(row) });
    return versionView(row);
  });
  forgetPublishedEngine();
  return published;
}

/** The review state of the draft `content` (as loaded by the caller). */
export async function draftStatus(tx: Executor, content: PolicySetContent) {
  const contentHash = hashContent(content);
  const [latest, approval, settings] = await Promise.all([getLatestRevision(tx), findApproval(tx, contentHash), getSettings(tx)]);
  return {
    contentHash,
    publishedRevision: latest?.revision ?? null,
    changedSincePublish: latest?.contentHash !== contentHash,
    approvalRequired: settings.requirePolicyApproval,
    approvedBy: approval?.approvedByLabel ?? null,
  };
}
