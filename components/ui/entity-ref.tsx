import Link from "next/link";
import { agentHref, enforcementPointHref, policyHref } from "./entity-links";

/** The kinds of entity the console names, with the word shown to people. */
const KIND_LABELS = { agent: "Agent", enforcement_point: "Enforcement point", policy: "Policy", person: "Person", user: "Console user", team: "Team" } as const;
export type EntityKind = keyof typeof KIND_LABELS;

const hrefFor = (kind: EntityKind, id: string): string | null =>
  kind === "agent" ? agentHref(id) : kind === "enforcement_point" ? enforcementPointHref(id) : kind === "policy" ? policyHref(id) : null;

/**
 * A reference to one entity: its name as a link to where it lives, with the kind and raw id on hover
 * and focus (title, and in the accessible description). Without a known name (a deleted or not yet
 * inventoried entity) the id stands in, marked as such. Server- and client-compatible (no hooks).
 */
export function EntityRef({ kind, id, name, href }: { kind: EntityKind; id: string; name?: string | null; href?: string | null }) {
  const target = href === undefined ? hrefFor(kind, id) : href;
  const label = name?.trim() ? name : id;
  const detail = `${KIND_LABELS[kind]} ${id}`;
  const content = (
    <>
      {label}
      <span className="visually-hidden"> ({detail})</span>
    </>
  );
  return (
    <span className="entity-ref" data-entity-kind={kind} data-entity-id={id} title={detail}>
      {target ? (
        <Link href={target} prefetch={false}>
          {content}
        </Link>
      ) : (
        content
      )}
      {name?.trim() ? null : <span className="muted small"> (no name)</span>}
    </span>
  );
}
