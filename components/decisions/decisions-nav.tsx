import Link from "next/link";

const TABS = [
  { href: "/decisions", label: "Live feed" },
  { href: "/decisions/explore", label: "Explore" },
  { href: "/decisions/quarantine", label: "Quarantine" },
] as const;

export function DecisionsNav({ current }: { current: (typeof TABS)[number]["href"] }) {
  return (
    <nav aria-label="Decisions" className="decision-tabs">
      {TABS.map((tab) => (
        <Link key={tab.href} href={tab.href} aria-current={tab.href === current ? "page" : undefined}>
          {tab.label}
        </Link>
      ))}
    </nav>
  );
}
