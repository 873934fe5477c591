/**
 * The one place that decides who may do what. Every page, server action and API route asks
 * `can(role, permission)` (through requirePermission); nothing else inspects roles.
 */
export const ROLES = ["admin", "security", "risk", "viewer"] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  admin: "Administrator",
  security: "Security engineer",
  risk: "Risk officer",
  viewer: "Viewer",
};

const ALL: readonly Role[] = ROLES;
const ENGINEERS: readonly Role[] = ["admin", "security"];
const ADMINS: readonly Role[] = ["admin"];

export const PERMISSIONS = {
  "console.read": { roles: ALL, description: "Open the console and read the overview" },
  "tokens.manage_own": { roles: ALL, description: "Create and revoke one's own personal API tokens" },
  "users.read": { roles: ADMINS, description: "List console users" },
  "users.manage": { roles: ADMINS, description: "Invite users, change roles, deactivate users" },
  "audit.read": { roles: ADMINS, description: "Read and verify the console audit trail" },
  "settings.read": { roles: ALL, description: "Read console settings" },
  "settings.manage": { roles: ADMINS, description: "Change console-wide settings" },
  "jobs.manage": { roles: ADMINS, description: "See the background job queue and retry failed jobs" },
  "enforcement_points.read": { roles: ALL, description: "List enforcement points and their health" },
  "enforcement_points.manage": { roles: ENGINEERS, description: "Register, rotate, revoke and configure enforcement points" },
  "mcp_servers.read": { roles: ALL, description: "List MCP servers, the tool catalog and gateway status" },
  "mcp_servers.manage": { roles: ENGINEERS, description: "Register and remove upstream MCP servers" },
  "decisions.read": { roles: ALL, description: "Read recorded decisions and the live feed" },
  "decisions.manage": { roles: ENGINEERS, description: "Manage quarantine and retention of decisions" },
  "agents.read": { roles: ALL, description: "Read the agent inventory, findings and people" },
  "agents.write": { roles: ENGINEERS, description: "Create and edit agents, people and teams" },
  "agents.assign_owner": { roles: ENGINEERS, description: "Assign owners, backup owners and teams" },
  "agents.attest": { roles: ALL, description: "Attest, narrow, transfer or retire one's own agents (engineers: any agent)" },
  "findings.manage": { roles: ENGINEERS, description: "Resolve or accept findings, run attestation campaigns" },
  "policies.read": { roles: ALL, description: "Read policies, versions, tests and replays" },
  "policies.write": { roles: ENGINEERS, description: "Edit policy drafts, tests, schema and entities; run replays" },
  "policies.approve": { roles: ENGINEERS, description: "Approve another author's draft (four-eyes rule)" },
  "policies.publish": { roles: ENGINEERS, description: "Publish and roll back policy versions" },
  "policies.manage_schema": { roles: ADMINS, description: "Edit the Cedar schema and the admin-added entities" },
  "policies.evaluate": { roles: ENGINEERS, description: "Ask the AuthZEN PDP for decisions (each is recorded)" },
  "frameworks.read": { roles: ALL, description: "Read frameworks, controls, mappings and evidence" },
  "frameworks.manage": { roles: ENGINEERS, description: "Edit control mappings, applicability and manual evidence" },
  "frameworks.import": { roles: ADMINS, description: "Import another framework as an OSCAL catalog or JSON" },
  "reports.read": { roles: ["admin", "security", "risk", "viewer"], description: "List alignment report snapshots" },
  "reports.export": { roles: ["admin", "security", "risk"], description: "Create and download alignment reports" },
  "identity.read": { roles: ALL, description: "Read tasks, task tokens, trust domains and the secret list (never values)" },
  "identity.manage": { roles: ADMINS, description: "Register trust domains and rotate Steward's token-signing key" },
  "tasks.end": { roles: ENGINEERS, description: "End a task or revoke an agent's task tokens" },
  "secrets.manage": { roles: ADMINS, description: "Store, replace and delete just-in-time secrets" },
  "outbound.read": { roles: ENGINEERS, description: "List outbound destinations, their health and delivery log" },
  "outbound.manage": { roles: ENGINEERS, description: "Register, change, test, resume and remove outbound destinations" },
  "outbound.allow_private_network": { roles: ADMINS, description: "Let a destination reach loopback and private addresses" },
  "alerts.read": { roles: ALL, description: "Read alerts and alert rules" },
  "alerts.manage": { roles: ENGINEERS, description: "Acknowledge and resolve alerts; write alert rules" },
  "approvals.read": { roles: ALL, description: "Read the approvals inbox and history (sensitive arguments masked)" },
  "approvals.decide": { roles: ALL, description: "Approve or deny access requests one is an approver for (owner, backup owner, security)" },
  "approvals.request": { roles: ENGINEERS, description: "Submit access requests for requestable denials and read their status" },
  "approvals.manage_webhooks": { roles: ENGINEERS, description: "Register, test and remove approval notification webhooks" },
} as const satisfies Record<string, { roles: readonly Role[]; description: string }>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission].roles as readonly Role[]).includes(role);
}

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}
