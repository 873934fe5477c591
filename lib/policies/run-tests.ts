import { combineRequirements, requirementsOf, type ApprovalRequirement } from "../approvals/annotations";
import { authorize, policyEffect, readSchemaShape, type CedarEntity } from "./cedar";
import { policyTexts, type PolicySetContent } from "./content";
import { entityIndexFor, judgeDecision } from "./engine";
import { DEFAULT_PDP_OPTIONS, type PdpOptions } from "./pdp-options";
import { collectEntities, entityKey, type EntityIndex } from "./request-mapping";

export type TestResult = {
  id: string;
  name: string;
  passed: boolean;
  expectedDecision: "allow" | "deny";
  actualDecision: "allow" | "deny";
  expectedPolicies: string[] | null;
  determiningPolicies: string[];
  errors: string[];
  /** When the deny is requestable (every determining policy has @approval and lifting them allows): who may approve. */
  approval: ApprovalRequirement | null;
  erroringPolicies: string[];
  message: string;
};

const sameSet = (a: string[], b: string[]) => a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n");

/**
 * Runs every test of a policy set against that same set. Entities are built as live evaluation
 * builds them (the same merge of admin entities, here with the test's own, and the same
 * transitive collection), and the same forbid-error stance applies.
 */
export function runPolicyTests(content: PolicySetContent, options: PdpOptions = DEFAULT_PDP_OPTIONS): TestResult[] {
  const texts = policyTexts(content);
  const shape = content.tests.length ? readSchemaShape(content.schemaText) : null;
  const effects = new Map(content.policies.map((policy) => [policy.id, policyEffect(policy.source) ?? "permit"]));
  const requirements = requirementsOf(content.policies);
  return content.tests.map((test) => {
    const index: EntityIndex = entityIndexFor(shape!, [...content.entities, ...test.entities] as CedarEntity[], null);
    const roots = [test.request.principal, test.request.resource].map((uid) => index.get(entityKey(uid))).filter((entity): entity is CedarEntity => entity !== undefined);
    const entities = collectEntities(index, roots);
    const outcome = judgeDecision(authorize(test.request, texts, content.schemaText, entities), effects, options.forbidErrors);
    let approval: ApprovalRequirement | null = null;
    const found = outcome.determiningPolicies.map((id) => requirements.get(id));
    if (outcome.decision === "deny" && found.length && found.every(Boolean) && !outcome.errors.length) {
      const lifted = Object.fromEntries(Object.entries(texts).filter(([id]) => !outcome.determiningPolicies.includes(id)));
      if (judgeDecision(authorize(test.request, lifted, content.schemaText, entities), effects, options.forbidErrors).decision === "allow") approval = combineRequirements(found as ApprovalRequirement[]);
    }
    // A request Cedar cannot evaluate at all (an entity or context the schema refuses) is denied
    // without any policy being asked: a test expecting deny would pass for the wrong reason.
    const notEvaluated = outcome.errors.length > 0 && outcome.erroringPolicies.length === 0;
    const decisionOk = outcome.decision === test.expectedDecision;
    const policiesOk = test.expectedPolicies === null || sameSet(test.expectedPolicies, outcome.determiningPolicies);
    const passed = !notEvaluated && decisionOk && policiesOk;
    const errorNote = outcome.errors.length ? `; ${notEvaluated ? "Cedar could not evaluate the request" : "errors"}: ${outcome.errors.join("; ")}` : "";
    const message = notEvaluated
      ? `the request does not evaluate, so no policy decided it (fix the test's request or entities): ${outcome.errors.join("; ")}`
      : passed
        ? `passed${errorNote}`
        : !decisionOk
          ? `expected ${test.expectedDecision}, got ${outcome.decision}${outcome.determiningPolicies.length ? ` (determined by ${outcome.determiningPolicies.join(", ")})` : ""}${errorNote}`
          : `expected determining policies [${test.expectedPolicies!.join(", ")}], got [${outcome.determiningPolicies.join(", ")}]${errorNote}`;
    return {
      id: test.id,
      name: test.name,
      passed,
      expectedDecision: test.expectedDecision,
      actualDecision: outcome.decision,
      expectedPolicies: test.expectedPolicies,
      determiningPolicies: outcome.determiningPolicies,
      errors: outcome.errors,
      erroringPolicies: outcome.erroringPolicies,
      message: approval && passed ? `${message} (requestable: ${approval.groups.join("+")} may approve)` : message,
      approval,
    };
  });
}
