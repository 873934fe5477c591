/**
 * Words for where a framework's ids and titles come from, shared by the console and the exports so
 * that both say the same thing. "official" = the publisher's own; an id "steward" = one Steward made
 * up because the publisher numbers nothing (CSA MAESTRO threats, SP 800-207 tenets); a title
 * "paraphrase" = Steward's short rewording of the publisher's text (AI RMF subcategories).
 */
export type IdOrigin = "official" | "steward";
export type TitleOrigin = "official" | "paraphrase";

export const ID_ORIGIN_LABEL: Record<IdOrigin, string> = { official: "publisher's id", steward: "Steward's own id (the publisher numbers none)" };
export const TITLE_ORIGIN_LABEL: Record<TitleOrigin, string> = { official: "publisher's title", paraphrase: "title paraphrased by Steward" };

/**
 * The non-official parts of an item's provenance, e.g. ["Steward's own id (…)"]; empty when both
 * id and title are the publisher's, or when the provenance is unknown (reports stored before it was recorded).
 */
export function provenanceMarks(idOrigin: IdOrigin | undefined, titleOrigin: TitleOrigin | undefined): string[] {
  return [idOrigin === "steward" ? ID_ORIGIN_LABEL.steward : null, titleOrigin === "paraphrase" ? TITLE_ORIGIN_LABEL.paraphrase : null].filter((mark): mark is string => mark !== null);
}

/** One sentence for a catalog, e.g. "Ids: Steward's own id (…). Titles: publisher's title." Empty when unknown. */
export function catalogProvenanceLine(framework: { idOrigin?: IdOrigin; titleOrigin?: TitleOrigin }): string {
  if (!framework.idOrigin || !framework.titleOrigin) return "";
  return `Ids: ${ID_ORIGIN_LABEL[framework.idOrigin]}. Titles: ${TITLE_ORIGIN_LABEL[framework.titleOrigin]}.`;
}
