import Link from "next/link";

const LINKS = [
  { href: "/alerts", label: "Alerts" },
  { href: "/alerts/rules", label: "Rules" },
  { href: "/alerts/destinations", label: "Destinations" },
];

/** Sub-navigation shared by the alerts pages; destinations show only to roles that may read them. */
export function AlertsNav({ current, showDestinations }: { current: string; showDestinations: boolean }) {
  return (
    <nav aria-label="Alerts" className="subnav">
      <ul>
        {LINKS.filter((link) => showDestinations || link.href !== "/alerts/destinations").map((link) => (
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
