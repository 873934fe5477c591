import type { Permission } from "@/lib/auth/permissions";

/**
 * The primary navigation. Each entry names the permission its page asks for (`requirePageActor`),
 * so the console layout shows a role only the pages it may open; e2e/console/navigation.spec.ts
 * checks that every item shown to each role answers 200.
 */
export const NAV_ITEMS = [
  { href: "/", label: "Overview", permission: "console.read" },
  { href: "/agents", label: "Agents", permission: "agents.read" },
  { href: "/decisions", label: "Decisions", permission: "decisions.read" },
  { href: "/tasks", label: "Tasks", permission: "identity.read" },
  { href: "/approvals", label: "Approvals", permission: "approvals.read" },
  { href: "/policies", label: "Policies", permission: "policies.read" },
  { href: "/frameworks", label: "Frameworks", permission: "frameworks.read" },
  { href: "/reports", label: "Reports", permission: "reports.read" },
  { href: "/enforcement-points", label: "Enforcement points", permission: "enforcement_points.read" },
  { href: "/identity", label: "Identity", permission: "identity.read" },
  { href: "/mcp-servers", label: "MCP servers", permission: "mcp_servers.read" },
  { href: "/alerts", label: "Alerts", permission: "alerts.read" },
  { href: "/audit", label: "Audit", permission: "audit.read" },
  { href: "/jobs", label: "Jobs", permission: "jobs.manage" },
  { href: "/people", label: "Console users", permission: "users.read" },
  { href: "/settings", label: "Settings", permission: "settings.read" },
] as const satisfies readonly { href: string; label: string; permission: Permission }[];

export type NavItem = (typeof NAV_ITEMS)[number];
