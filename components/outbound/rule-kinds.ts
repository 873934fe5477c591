/** Alert rule kinds with the words the console shows for them (a plain module: server pages read it too). */
export const RULE_KINDS = [
  { value: "shadow_agent", label: "A new shadow (discovered) agent" },
  { value: "out_of_scope", label: "An out-of-scope attempt" },
  { value: "deny_rate", label: "An agent's deny rate above a threshold" },
  { value: "ep_silent", label: "An enforcement point silent for too long" },
  { value: "ep_rejecting", label: "An enforcement point's batch rejected" },
  { value: "policy_never_matches", label: "A published policy that never matches" },
  { value: "finding_opened", label: "A finding opened, of chosen kinds" },
  { value: "approval_waiting", label: "An access request waiting for approval too long" },
] as const;
