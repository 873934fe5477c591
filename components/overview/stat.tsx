import Link from "next/link";
import type { ReactNode } from "react";

/** One headline number with its label, linking to the filtered list it counts. */
export function Stat({ value, label, href, tone, detail }: { value: string; label: string; href: string; tone?: "ok" | "warn" | "danger"; detail?: ReactNode }) {
  return (
    <Link className={`stat${tone ? ` stat-${tone}` : ""}`} href={href} aria-label={`${value} ${label}`}>
      <span className="stat-value">{value}</span>
      <span className="stat-label">{label}</span>
      {detail ? <span className="stat-detail">{detail}</span> : null}
    </Link>
  );
}

export const formatCount = (value: number) => value.toLocaleString("en");
export const formatRate = (rate: number | null) => (rate === null ? "—" : `${(rate * 100).toFixed(rate < 0.1 ? 1 : 0)}%`);
