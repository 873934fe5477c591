import { combineRequirements, requirementsOf, type ApprovalRequirement } from "../approvals/annotations";
import { authorize, type CedarEntity } from "./cedar";
import { policyTexts, type PolicySetContent } from "./content";

export type TestResult = {
  id: string;
  name: string;
  passed: boolean;
  expectedDecision: "allow" | "deny";
  actualDecision: "allow" | "deny";
  expectedPolicies: string[] | null;
  determiningPolicies: string[];
  errors: string[];
  message: string;
  /** When the deny is requestable (every determining policy has @approval and lifting them allows): who may approve. */
  approval: ApprovalRequirement | null;
};

const sameSet = (a: string[], b: string[]) => a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n");

/** Runs every test of a policy set against that same set (tests see admin-added entities plus their own). */
export function runPolicyTests(content: PolicySetContent): TestResult[] {
  const texts = policyTexts(content);
  const requirements = requirementsOf(content.policies);
  return content.tests.map((test) => {
    const entities = [...content.entities, ...test.entities] as CedarEntity[];
    const outcome = authorize(test.request, texts, content.schemaText, entities);
    let approval: ApprovalRequirement | null = null;
    const found = outcome.determiningPolicies.map((id) => requirements.get(id));
    if (outcome.decision === "deny" && found.length && found.every(Boolean) && !outcome.errors.length) {
      const lifted = Object.fromEntries(Object.entries(texts).filter(([id]) => !outcome.determiningPolicies.includes(id)));
      if (authorize(test.request, lifted, content.schemaText, entities).decision === "allow") approval = combineRequirements(found as ApprovalRequirement[]);
    }
    const decisionOk = outcome.decision === test.expectedDecision;
    const policiesOk = test.expectedPolicies === null || sameSet(test.expectedPolicies, outcome.determiningPolicies);
    const passed = decisionOk && policiesOk;
    const message = passed
      ? "passed"
      : !decisionOk
        ? `expected ${test.expectedDecision}, got ${outcome.decision}${outcome.determiningPolicies.length ? ` (determined by ${outcome.determiningPolicies.join(", ")})` : ""}`
        : `expected determining policies [${test.expectedPolicies!.join(", ")}], got [${outcome.determiningPolicies.join(", ")}]`;
    return {
      id: test.id,
      name: test.name,
      passed,
      expectedDecision: test.expectedDecision,
      actualDecision: outcome.decision,
      expectedPolicies: test.expectedPolicies,
      determiningPolicies: outcome.determiningPolicies,
      errors: outcome.errors,
      message: approval && passed ? `${message} (requestable: ${approval.groups.join("+")} may approve)` : message,
      approval,
    };
  });
}
