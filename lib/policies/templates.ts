/** Zero-trust starting points for the editor, written against the default schema. */
export type PolicyTemplate = { id: string; title: string; description: string; frameworkTags: string[]; source: string };

export const POLICY_TEMPLATES: PolicyTemplate[] = [
  {
    id: "permit-active-in-scope",
    title: "Permit active agents within their declared scope",
    description: "Baseline permit: registered, active agents may use the actions they declared.",
    frameworkTags: ["ASI02"],
    source: `permit (principal is Steward::Agent, action, resource)
when {
  principal.status == "active" &&
  principal.declaredActions.contains(context.actionName)
};
`,
  },
  {
    id: "deny-out-of-scope",
    title: "Deny actions outside an agent's declared scope",
    description: "Anything an agent did not declare is refused, whatever else permits it.",
    frameworkTags: ["ASI02", "ASI03"],
    source: `forbid (principal is Steward::Agent, action, resource)
unless { principal.declaredActions.contains(context.actionName) };
`,
  },
  {
    id: "approval-destructive-external",
    title: "Require approval for destructive or external actions",
    description: "Destructive or externally directed actions wait for the agent's owner to approve (requestable forbid; the approval covers identical calls for 15 minutes).",
    frameworkTags: ["ASI09"],
    source: `@approval("owner")
@approval_ttl("15m")
forbid (principal, action, resource)
when { context.destructive || context.external };
`,
  },
  {
    id: "no-static-secrets-sensitive",
    title: "Forbid agents holding static secrets from touching sensitive data",
    description: "Static API keys and shared secrets never reach confidential or restricted data.",
    frameworkTags: ["NHI7:2025"],
    source: `forbid (principal is Steward::Agent, action, resource)
when { principal.staticCredential && context.sensitivityLevel >= 2 };
`,
  },
  {
    id: "cap-delegation-depth",
    title: "Cap delegation depth",
    description: "Chains of delegated agents longer than two hops are refused.",
    frameworkTags: ["ASI07"],
    source: `forbid (principal, action, resource)
when { context.delegationDepth > 2 };
`,
  },
  {
    id: "non-prod-to-non-prod",
    title: "Restrict non-prod agents to non-prod resources",
    description: "Agents outside production never act on production resources.",
    frameworkTags: ["ASI03"],
    source: `forbid (principal is Steward::Agent, action, resource)
when {
  principal.environment != "prod" &&
  resource has environment &&
  resource.environment == "prod"
};
`,
  },
];
