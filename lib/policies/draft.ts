import { deleteDraftItem, getDraftPolicy, getDraftTest, getWorkspace, markDraftEditedBy, saveDraftPolicy, saveDraftTest, updateWorkspace, DRAFT_WORKSPACE_ID } from "@/db/policies";
import { recordAudit } from "../audit/record-audit";
import type { Actor } from "../auth/actor";
import { requirePermission } from "../auth/require-permission";
import { withTransaction, type Ctx } from "../context";
import { notFound, StewardError } from "../errors";
import { newId } from "../ids";
import type { CedarEntity } from "./cedar";
import { toPolicyDoc, toTestDoc } from "./draft-content";
import { DEFAULT_CEDAR_SCHEMA } from "./default-schema";
import { PolicyIdInput, SavePolicyInput, SaveTestInput, TestIdInput, UpdateEntitiesInput, UpdateSchemaInput } from "./schemas";
import { validateEntities, validatePolicySource, validateSchemaText } from "./validate";

const editorId = (actor: Actor) => (actor.type === "user" ? actor.userId : null);

/**
 * Drafts may hold errors (people save half-written work); validation is returned with every save
 * and publishing refuses a draft that does not validate.
 */
export async function savePolicy({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "policies.write");
  const data = SavePolicyInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    const workspace = await getWorkspace(tx, DEFAULT_CEDAR_SCHEMA);
    const now = new Date();
    const values = { description: data.description, owner: data.owner, frameworkTags: data.frameworkTags, source: data.source, updatedAt: now, updatedBy: editorId(ctx.actor) };
    let saved;
    if (data.id) {
      const before = await getDraftPolicy(tx, data.id);
      if (!before) throw notFound("Policy", data.id);
      saved = await saveDraftPolicy(tx, { id: data.id, ...values }, true);
      await recordAudit(tx, ctx, { action: "policy.update", entityType: "policy", entityId: data.id, before: toPolicyDoc(before), after: toPolicyDoc(saved) });
    } else {
      saved = await saveDraftPolicy(tx, { id: newId("pol"), ...values }, false);
      await recordAudit(tx, ctx, { action: "policy.create", entityType: "policy", entityId: saved.id, after: toPolicyDoc(saved) });
    }
    await markDraftEditedBy(tx, editorId(ctx.actor));
    return { policy: toPolicyDoc(saved), validation: validatePolicySource(saved.id, saved.source, workspace.schemaText) };
  });
}

export async function deletePolicy({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "policies.write");
  const { id } = PolicyIdInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    const before = await getDraftPolicy(tx, id);
    if (!before) throw notFound("Policy", id);
    await deleteDraftItem(tx, "policy", id);
    await markDraftEditedBy(tx, editorId(ctx.actor));
    await recordAudit(tx, ctx, { action: "policy.delete", entityType: "policy", entityId: id, before: toPolicyDoc(before) });
    return { id };
  });
}

export async function updateSchema({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "policies.manage_schema");
  const { schemaText } = UpdateSchemaInput.parse(input);
  const validation = validateSchemaText(schemaText);
  return withTransaction(ctx, async (tx) => {
    const before = await getWorkspace(tx, DEFAULT_CEDAR_SCHEMA);
    await updateWorkspace(tx, { schemaText, updatedAt: new Date() });
    await markDraftEditedBy(tx, editorId(ctx.actor));
    await recordAudit(tx, ctx, { action: "policy_schema.update", entityType: "policy_schema", entityId: DRAFT_WORKSPACE_ID, before: { schemaText: before.schemaText }, after: { schemaText } });
    return { schemaText, validation };
  });
}

/** Admin-added entities must conform to the draft schema; a non-conforming upload is refused whole. */
export async function updateEntities({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "policies.manage_schema");
  const { entities } = UpdateEntitiesInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    const before = await getWorkspace(tx, DEFAULT_CEDAR_SCHEMA);
    const validation = validateEntities(entities as CedarEntity[], before.schemaText);
    if (!validation.valid) throw new StewardError("invalid_input", `The entities do not conform to the schema: ${validation.diagnostics[0]!.message}`, { path: "$.entities", details: validation.diagnostics });
    await updateWorkspace(tx, { entities, updatedAt: new Date() });
    await markDraftEditedBy(tx, editorId(ctx.actor));
    await recordAudit(tx, ctx, { action: "policy_entities.update", entityType: "policy_entities", entityId: DRAFT_WORKSPACE_ID, before: { count: (before.entities as unknown[]).length }, after: { count: entities.length, entities } });
    return { count: entities.length };
  });
}

export async function saveTest({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "policies.write");
  const data = SaveTestInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    const values = { name: data.name, request: data.request, entities: data.entities, expectedDecision: data.expectedDecision, expectedPolicies: data.expectedPolicies, updatedAt: new Date() };
    let saved;
    if (data.id) {
      const before = await getDraftTest(tx, data.id);
      if (!before) throw notFound("Policy test", data.id);
      saved = await saveDraftTest(tx, { id: data.id, ...values }, true);
      await recordAudit(tx, ctx, { action: "policy_test.update", entityType: "policy_test", entityId: data.id, before: toTestDoc(before), after: toTestDoc(saved) });
    } else {
      saved = await saveDraftTest(tx, { id: newId("ptst"), ...values }, false);
      await recordAudit(tx, ctx, { action: "policy_test.create", entityType: "policy_test", entityId: saved.id, after: toTestDoc(saved) });
    }
    await markDraftEditedBy(tx, editorId(ctx.actor));
    return toTestDoc(saved);
  });
}

export async function deleteTest({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "policies.write");
  const { id } = TestIdInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    const before = await getDraftTest(tx, id);
    if (!before) throw notFound("Policy test", id);
    await deleteDraftItem(tx, "test", id);
    await markDraftEditedBy(tx, editorId(ctx.actor));
    await recordAudit(tx, ctx, { action: "policy_test.delete", entityType: "policy_test", entityId: id, before: toTestDoc(before) });
    return { id };
  });
}
