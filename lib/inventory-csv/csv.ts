import { parseCsvRows, unneutralise } from "@/lib/csv";

export type CsvRecord = { line: number; values: Record<string, string> };

/**
 * Header-keyed records, each with the file line it starts on (the header is line 1; a quoted field
 * spanning lines counts every line). Cells are trimmed and the export's formula neutralisation (`'`)
 * is undone, so export → import is the identity. Unknown or missing columns are reported; a file that
 * is not valid CSV (an unterminated quote) throws StewardError invalid_input naming the line.
 */
export function readRecords(text: string, columns: readonly string[], required: readonly string[]): { records: CsvRecord[]; headerProblems: string[] } {
  const rows = parseCsvRows(text);
  if (!rows.length) return { records: [], headerProblems: ["The file is empty; the first line must name the columns"] };
  const header = rows[0]!.cells.map((h) => unneutralise(h.trim()).toLowerCase());
  const headerProblems = [
    ...header.filter((h) => !columns.includes(h)).map((h) => `Unknown column "${h}" (expected some of: ${columns.join(", ")})`),
    ...required.filter((c) => !header.includes(c)).map((c) => `Missing required column "${c}"`),
  ];
  const records = rows.slice(1).map(({ line, cells }) => ({
    line,
    values: Object.fromEntries(header.map((h, i) => [h, unneutralise((cells[i] ?? "").trim())])),
  }));
  return { records, headerProblems };
}

export const splitList = (value: string | undefined) =>
  (value ?? "")
    .split(";")
    .map((item) => item.trim())
    .filter(Boolean);
