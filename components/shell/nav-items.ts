export const NAV_ITEMS = [
  { href: "/", label: "Overview" },
  { href: "/agents", label: "Agents" },
  { href: "/decisions", label: "Decisions" },
  { href: "/approvals", label: "Approvals" },
  { href: "/policies", label: "Policies" },
  { href: "/frameworks", label: "Frameworks" },
  { href: "/reports", label: "Reports" },
  { href: "/enforcement-points", label: "Enforcement points" },
  { href: "/audit", label: "Audit" },
  { href: "/people", label: "People" },
  { href: "/settings", label: "Settings" },
] as const;
