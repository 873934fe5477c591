import { z } from "zod";
import { getDb } from "@/db/client";
import { getDecisionOrThrow, loadInventory } from "@/db/policies";
import { requirePermission } from "../auth/require-permission";
import type { Ctx } from "../context";
import { getSettings } from "../settings/settings";
import type { CedarEntity, CedarRequest } from "./cedar";
import { hashContent } from "./content";
import { loadDraftContent } from "./draft-content";
import { PolicyEngine } from "./engine";
import { pdpOptionsFromSettings } from "./pdp-settings";
import { AuthzenRequest } from "./request-mapping";

export const TestFromDecisionInput = z.object({ enforcementPointId: z.string().min(1).max(200), decisionId: z.string().min(1).max(500) });

/** A policy test prefilled from a recorded decision, or why one cannot be made. */
export type TestSeed =
  | { ok: true; name: string; expectedDecision: "allow" | "deny"; request: CedarRequest; entities: CedarEntity[]; source: { enforcementPointId: string; decisionId: string } }
  | { ok: false; message: string; source: { enforcementPointId: string; decisionId: string } };

/**
 * "Make a test from this decision": the recorded AuthZEN request mapped to the Cedar request and
 * entities the draft's engine would judge it with (today's inventory, the decision's own time and
 * delegation chain), expecting the recorded outcome. The person reviews it before adding it.
 * Throws not_found for an unknown decision; a decision without an AuthZEN-shaped request, or one
 * the draft refuses to map, answers `ok: false` with the reason.
 */
export async function testFromDecision({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<TestSeed> {
  requirePermission(ctx.actor, "policies.read");
  const source = TestFromDecisionInput.parse(input);
  const db = ctx.tx ?? (await getDb());
  const recorded = await getDecisionOrThrow(db, source);
  const parsed = AuthzenRequest.safeParse(recorded.request);
  if (!parsed.success) return { ok: false, message: "This decision carries no AuthZEN-shaped request (subject, action, resource), so no test can be made from it.", source };
  if (recorded.outcome !== "allow" && recorded.outcome !== "deny") return { ok: false, message: `This decision's outcome was "${recorded.outcome}"; a test expects allow or deny.`, source };
  const [content, inventory, settings] = await Promise.all([loadDraftContent(db), loadInventory(db), getSettings(db)]);
  const engine = new PolicyEngine(content, hashContent(content), inventory, null, { options: pdpOptionsFromSettings(settings) });
  let mapped: ReturnType<PolicyEngine["map"]>;
  try {
    mapped = engine.map(parsed.data, recorded.time, recorded.delegation);
  } catch (error) {
    return { ok: false, message: `The draft cannot read this request: ${(error as Error).message}`, source };
  }
  if ("refused" in mapped) return { ok: false, message: `The draft refuses this request: ${mapped.refused}`, source };
  return {
    ok: true,
    name: `${recorded.agentRef} ${recorded.actionName} on ${recorded.resourceType}:${recorded.resourceId} is ${recorded.outcome} (decision ${recorded.decisionId})`.slice(0, 200),
    expectedDecision: recorded.outcome,
    request: mapped.request,
    entities: mapped.entities,
    source,
  };
}
