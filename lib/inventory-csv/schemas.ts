import { z } from "zod";

export const ImportCsvInput = z.object({
  csv: z.string().min(1, "Choose a CSV file or paste its contents").max(10_000_000, "The file is larger than 10 MB"),
  dryRun: z.preprocess((v) => v === true || v === "true" || v === "on", z.boolean()).default(true),
});

export const ImportRowResult = z.object({
  line: z.number().describe("Line in the file (the header is line 1)"),
  key: z.string().describe("The row's email, external id or name"),
  action: z.enum(["create", "update", "invalid"]),
  problems: z.array(z.string()),
});
export const ImportResult = z.object({
  applied: z.boolean().describe("true only when every row was valid and everything was written"),
  headerProblems: z.array(z.string()),
  rows: z.array(ImportRowResult),
  problemCount: z.number(),
});
export type ImportResult = z.infer<typeof ImportResult>;
export type ImportRowResult = z.infer<typeof ImportRowResult>;
