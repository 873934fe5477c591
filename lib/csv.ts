import { CsvError, parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { StewardError } from "./errors";

/**
 * CSV in and out through csv-parse / csv-stringify (RFC 4180), with the two things a spreadsheet
 * round trip needs on top: formula neutralisation on export, undone on import, and the delimiter
 * a spreadsheet in the user's locale writes (`,`, `;` or tab).
 */

export type CsvRow = {
  /** 1-based line of the file where the row starts (a quoted field may span lines). */
  line: number;
  cells: string[];
};

const DELIMITERS = [",", ";", "\t"] as const;
export type CsvDelimiter = (typeof DELIMITERS)[number];

/**
 * The delimiter of the first (header) line, outside quotes: whichever of `,` `;` tab occurs most.
 * Excel writes `;` where the decimal separator is a comma; a header never holds a list.
 */
export function detectDelimiter(text: string): CsvDelimiter {
  const counts = new Map<CsvDelimiter, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const char of text.replace(/^\uFEFF/, "")) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === "\n" || char === "\r")) break;
    else if (!quoted && counts.has(char as CsvDelimiter)) counts.set(char as CsvDelimiter, counts.get(char as CsvDelimiter)! + 1);
  }
  return [...counts].reduce((best, next) => (next[1] > best[1] ? next : best))[0];
}

const lineBreaks = (cell: string) => cell.match(/\n/g)?.length ?? 0;

/**
 * Parses CSV text (optional BOM; CRLF, LF or CR line ends; delimiter detected) into rows with the
 * line each starts on. Blank rows are skipped; a stray quote inside an unquoted field is kept as text.
 * Throws StewardError invalid_input naming the line for an unterminated quoted field and other
 * malformed input.
 */
export function parseCsvRows(text: string, options: { delimiter?: CsvDelimiter } = {}): CsvRow[] {
  // One line end before parsing: csv-parse counts a CRLF inside a quoted field as two lines, which
  // would shift every line number after it. A line break inside a field is read as "\n".
  const input = text.replace(/\r\n?/g, "\n");
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(input, {
      bom: true,
      delimiter: options.delimiter ?? detectDelimiter(input),
      record_delimiter: "\n",
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines;
      const message = error.code === "CSV_QUOTE_NOT_CLOSED" ? "a quoted field is never closed (a missing \")" : error.message.replace(/^[^:]*:\s*/, "");
      throw new StewardError("invalid_input", `The file is not valid CSV${line ? ` at line ${line}` : ""}: ${message}`, { path: line ? `line ${line}` : undefined });
    }
    throw error;
  }
  // csv-parse reports the line a record ends on; a quoted field spanning lines moves its start up.
  return records.map(({ record, info }) => ({ line: info.lines - record.reduce((sum, cell) => sum + lineBreaks(cell), 0), cells: record }));
}

/** Rows of cells, without line numbers. */
export function parseCsv(text: string): string[][] {
  return parseCsvRows(text).map((row) => row.cells);
}

/**
 * A leading = + - @ tab or CR makes a spreadsheet evaluate the cell (CSV injection). Export prefixes
 * such a cell with `'`; a cell that already starts with quotes before such a character gets one more,
 * so `unneutralise` (on import) removes exactly the one export added and every value round-trips unchanged.
 */
const FORMULA_START = /^'*[=+\-@\t\r]/;
export const neutralise = (text: string) => (FORMULA_START.test(text) ? `'${text}` : text);
export const unneutralise = (text: string) => (text.startsWith("'") && FORMULA_START.test(text) ? text.slice(1) : text);

export type CsvValue = string | number | boolean | null | undefined;

/** CSV text (CRLF, quoted where needed) with every cell neutralised against formula execution. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  const cell = (value: CsvValue) => neutralise(value === null || value === undefined ? "" : String(value));
  return stringify([header.map(cell), ...rows.map((row) => row.map(cell))], { record_delimiter: "\r\n" });
}
