import Link from "next/link";

const LINKS = [
  { href: "/agents", label: "All agents" },
  { href: "/agents/findings", label: "Findings & attestation" },
  { href: "/agents/mine", label: "My agents" },
  { href: "/agents/people", label: "Directory people & teams" },
  { href: "/agents/import", label: "Import / export" },
];

/** Sub-navigation shared by the inventory pages. */
export function InventoryNav({ current }: { current: string }) {
  return (
    <nav aria-label="Inventory" className="subnav">
      <ul>
        {LINKS.map((link) => (
          <li key={link.href}>
            <Link href={link.href} aria-current={link.href === current ? "page" : undefined}>
              {link.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
