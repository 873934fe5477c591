import type { PolicySetContent } from "./content";

/** One readable text for a whole policy set, so two versions can be diffed line by line. */
export function renderContent(content: PolicySetContent): string {
  const policies = [...content.policies]
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((policy) =>
      [`// ${policy.id}${policy.description ? ` — ${policy.description}` : ""}`, `// owner: ${policy.owner || "(none)"}; tags: ${policy.frameworkTags.join(", ") || "(none)"}`, policy.source.trimEnd(), ""].join("\n"),
    );
  const tests = [...content.tests].sort((a, b) => a.id.localeCompare(b.id)).map((test) => `// test ${test.id} "${test.name}": expect ${test.expectedDecision}${test.expectedPolicies ? ` by [${test.expectedPolicies.join(", ")}]` : ""}\n//   ${JSON.stringify(test.request)}`);
  return [
    "// ===== policies =====",
    ...policies,
    "// ===== tests =====",
    ...tests,
    "// ===== schema =====",
    content.schemaText.trimEnd(),
    "// ===== admin-added entities =====",
    ...content.entities.map((entity) => JSON.stringify(entity)),
  ].join("\n");
}
