import { diffLines as diffTextLines } from "diff";

export type DiffLine = { kind: "same" | "added" | "removed"; text: string };

/**
 * A line diff of two rendered policy sets (jsdiff's Myers diff, O(N·D): a large set with a small
 * change costs little, and no size falls back to "everything changed").
 */
export function diffLines(before: string, after: string): DiffLine[] {
  const out: DiffLine[] = [];
  for (const change of diffTextLines(before, after)) {
    const kind = change.added ? "added" : change.removed ? "removed" : "same";
    const lines = change.value.split("\n");
    // A change's value ends with its last line's newline: that is not one more (empty) line.
    if (lines.at(-1) === "") lines.pop();
    for (const text of lines) out.push({ kind, text });
  }
  return out;
}
