import { EntityRef, type EntityKind } from "@/components/ui/entity-ref";

/** Audit entity types the console can name and link; the others show their type and id. */
const ENTITY_KINDS: Record<string, EntityKind> = { agent: "agent", enforcement_point: "enforcement_point", person: "person", user: "user", team: "team", policy: "policy" };

/** What an audit entry changed: the entity by name (id on hover), or its type and raw id when it has no name to show. */
export function AuditEntity({ type, id, name }: { type: string; id: string | null; name: string | null }) {
  const kind = ENTITY_KINDS[type];
  if (!id || !kind) {
    return (
      <span className="mono">
        {type}
        {id ? <div>{id}</div> : null}
      </span>
    );
  }
  // Policies have no name apart from their id (also their Cedar id).
  return <EntityRef kind={kind} id={id} name={name ?? (kind === "policy" ? id : null)} />;
}
