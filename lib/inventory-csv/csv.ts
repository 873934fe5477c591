import { parseCsv } from "@/lib/csv";

export type CsvRecord = { line: number; values: Record<string, string> };

/** Header-keyed records; line numbers count the header as line 1. Unknown or missing columns are reported. */
export function readRecords(text: string, columns: readonly string[], required: readonly string[]): { records: CsvRecord[]; headerProblems: string[] } {
  const rows = parseCsv(text);
  if (!rows.length) return { records: [], headerProblems: ["The file is empty; the first line must name the columns"] };
  const header = rows[0]!.map((h) => h.trim().toLowerCase());
  const headerProblems = [
    ...header.filter((h) => !columns.includes(h)).map((h) => `Unknown column "${h}" (expected some of: ${columns.join(", ")})`),
    ...required.filter((c) => !header.includes(c)).map((c) => `Missing required column "${c}"`),
  ];
  const records = rows.slice(1).map((cells, index) => ({
    line: index + 2,
    values: Object.fromEntries(header.map((h, i) => [h, (cells[i] ?? "").trim()])),
  }));
  return { records, headerProblems };
}

export const splitList = (value: string | undefined) =>
  (value ?? "")
    .split(";")
    .map((item) => item.trim())
    .filter(Boolean);
