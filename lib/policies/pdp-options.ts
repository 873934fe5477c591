import { z } from "zod";

/**
 * AuthZEN subject type → Cedar entity type (unqualified; the schema's namespace is added). A
 * subject whose type is not in this table is denied with a reason, never guessed to be an agent.
 * Documented as a table in docs/policies.md ("Subject types").
 */
export const DEFAULT_SUBJECT_TYPES: Record<string, string> = {
  agent: "Agent",
  workload: "Agent",
  service: "Agent",
  identity: "Agent",
  spiffe: "Agent",
  user: "Person",
  person: "Person",
  human: "Person",
};

/** AuthZEN resource type → Cedar entity type (unqualified). Unknown resource types are denied. */
export const DEFAULT_RESOURCE_TYPES: Record<string, string> = {
  tool: "Tool",
  resource: "Resource",
  route: "Resource",
  api: "Resource",
  dataset: "Resource",
  document: "Resource",
  file: "Resource",
  resource_group: "ResourceGroup",
  agent: "Agent",
  task: "Task",
  team: "Team",
  group: "Group",
};

const TypeTable = z.record(z.string().min(1).max(128), z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "a Cedar entity type name (unqualified)"));

/**
 * Settings that change decisions. They travel with the policy bundle, so an edge PDP decides exactly
 * as the console does.
 * - `forbidErrors`: what happens when a `forbid` policy errors while being evaluated. "deny" (the
 *   default) denies the request; "skip" is Cedar's own behaviour (the erroring policy is ignored).
 *   Either way the erroring policies are recorded on the decision.
 * - `subjectTypes` / `resourceTypes`: the AuthZEN type → Cedar type tables (keys lower-case).
 */
export const PdpOptions = z.object({
  forbidErrors: z.enum(["deny", "skip"]).default("deny"),
  subjectTypes: TypeTable.default(DEFAULT_SUBJECT_TYPES),
  resourceTypes: TypeTable.default(DEFAULT_RESOURCE_TYPES),
});
export type PdpOptions = z.infer<typeof PdpOptions>;

export const DEFAULT_PDP_OPTIONS: PdpOptions = { forbidErrors: "deny", subjectTypes: DEFAULT_SUBJECT_TYPES, resourceTypes: DEFAULT_RESOURCE_TYPES };
