/**
 * Marks an item whose id is Steward's own or whose title is a paraphrase (the marks come from
 * lib/frameworks/provenance `provenanceMarks`); renders nothing when both are the publisher's.
 */
export function ProvenanceNote({ marks }: { marks: string[] }) {
  if (!marks.length) return null;
  return <span className="muted small provenance"> ({marks.join("; ")})</span>;
}
