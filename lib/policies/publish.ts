import type { Executor, Tx } from "@/db/client";
import { advisoryXactLock } from "@/db/locks";
import { DRAFT_WORKSPACE_ID, findApproval, findApprovalByOther, listRecordedActionShapes, getLatestRevision, getLatestVersion, getVersionByRevisionOrThrow, getWorkspace, insertPolicyApproval, insertPolicyVersion, replaceDraftContent, updateWorkspace, type PolicyVersionRow } from "@/db/policies";
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
import { policyActions, readSchemaShape } from "./cedar";
import { DEFAULT_RESOURCE_TYPES } from "./pdp-options";
import { forgetPublishedEngine } from "./published-engine";
import { cedarActionFor } from "./request-mapping";
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

/**
 * Publishing warns (does not block) when a policy names an action that no recorded request was ever
 * mapped to: a typo, or an action no enforcement point sends.
 */
async function unusedActionWarnings(tx: Tx, content: PolicySetContent): Promise<string[]> {
  const shape = readSchemaShape(content.schemaText);
  const used = new Set<string>();
  for (const row of await listRecordedActionShapes(tx)) {
    const resourceType = DEFAULT_RESOURCE_TYPES[row.resourceType.toLowerCase()] ?? row.resourceType;
    const action = cedarActionFor(shape, { name: row.actionName, ...(row.actionKind ? { properties: { kind: row.actionKind } } : {}) }, resourceType.includes("::") ? resourceType : `${shape.namespace}::${resourceType}`);
    if (action) used.add(action);
  }
  const warnings: string[] = [];
  for (const policy of content.policies) {
    const unused = policyActions(policy.source).filter((action) => !used.has(action));
    if (unused.length) warnings.push(`${policy.id} names ${unused.map((action) => `"${action}"`).join(", ")}, which no recorded request has used`);
  }
  return warnings;
}

/** `latestRevision` is read by the caller under the publish lock. */
async function insertVersion(tx: Tx, ctx: Ctx, latestRevision: number | null, content: PolicySetContent, message: string, rolledBackFrom: number | null) {
  const contentHash = hashContent(content);
  const row = await insertPolicyVersion(tx, {
    id: newId("pv"),
    revision: (latestRevision ?? 0) + 1,
    message,
    authorId: ctx.actor.type === "user" ? ctx.actor.userId : null,
    authorLabel: actorLabel(ctx.actor),
    contentHash,
    content,
    rolledBackFrom,
  });
  await updateWorkspace(tx, { editorIds: [] });
  return row;
}

const versionView = (row: PolicyVersionRow) => ({
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
    await insertPolicyApproval(tx, approval);
    await recordAudit(tx, ctx, { action: "policy_draft.approve", entityType: "policy_draft", entityId: DRAFT_WORKSPACE_ID, after: approval });
    return approval;
  });
}

/** Four-eyes for rollback: approves an old version's content, so someone else may roll back to it. */
export async function approveRollback({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "policies.approve");
  if (ctx.actor.type !== "user") throw new StewardError("forbidden", "Only people approve rollbacks");
  const { revision } = RollbackInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    const target = await getVersionByRevisionOrThrow(tx, revision);
    const approval = { id: newId("pap"), contentHash: target.contentHash, approvedBy: (ctx.actor as { userId: string }).userId, approvedByLabel: actorLabel(ctx.actor) };
    await insertPolicyApproval(tx, approval);
    await recordAudit(tx, ctx, { action: "policy_version.approve_rollback", entityType: "policy_version", entityId: target.id, after: { ...approval, revision } });
    return approval;
  });
}

export async function publishDraft({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "policies.publish");
  const { message } = PublishInput.parse(input);
  const published = await withTransaction(ctx, async (tx) => {
    await advisoryXactLock(tx, PUBLISH_LOCK_KEY);
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
    const warnings = await unusedActionWarnings(tx, content);
    await recordAudit(tx, ctx, { action: "policy_version.publish", entityType: "policy_version", entityId: row.id, before: latest ? versionView(latest) : null, after: { ...versionView(row), ...(warnings.length ? { warnings } : {}) } });
    return { ...versionView(row), warnings };
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
    await advisoryXactLock(tx, PUBLISH_LOCK_KEY);
    const target = await getVersionByRevisionOrThrow(tx, revision);
    const content = target.content as PolicySetContent;
    assertPublishable(content);
    // Four-eyes covers every way to change what is published: a rollback needs an approval of the
    // target's content by someone other than the person rolling back.
    const settings = await getSettings(tx);
    if (settings.requirePolicyApproval) {
      const approval = await findApprovalByOther(tx, target.contentHash, ctx.actor.type === "user" ? ctx.actor.userId : null);
      if (!approval) {
        throw new StewardError("precondition_failed", `Rolling back is blocked: revision ${revision} needs approval from someone other than the person rolling back (four-eyes rule)`);
      }
    }
    const latest = await getLatestVersion(tx);
    const row = await insertVersion(tx, ctx, latest?.revision ?? null, content, message || `Roll back to revision ${revision}`, revision);
    await replaceDraftContent(tx, content.policies.map((policy) => ({ ...policy, updatedBy: ctx.actor.type === "user" ? ctx.actor.userId : null })), content.tests);
    await updateWorkspace(tx, { schemaText: content.schemaText, entities: content.entities, editorIds: [] });
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
