"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action } from "@/app/_server/action";
import { ScopeParam } from "@/lib/frameworks/schemas";
import { createReport } from "@/lib/reports/create-report";

const DAY_MS = 86_400_000;

/** The browser form: checkboxes give one string or several, dates are whole days (the end day included). */
const ReportForm = z.object({
  title: z.string().trim().max(200).transform((value) => value || "Framework alignment report"),
  frameworkIds: z.preprocess((value) => (Array.isArray(value) ? value : value ? [value] : []), z.array(z.string()).min(1, "pick at least one framework")),
  scope: ScopeParam,
  periodStart: z.iso.date("pick a start date"),
  periodEnd: z.iso.date("pick an end date"),
});

export const createReportAction = action("reports.export", ReportForm, async (ctx, input) => {
  const snapshot = await createReport({
    ctx,
    input: {
      title: input.title,
      frameworkIds: input.frameworkIds,
      scope: input.scope,
      periodStart: new Date(`${input.periodStart}T00:00:00Z`),
      periodEnd: new Date(new Date(`${input.periodEnd}T00:00:00Z`).getTime() + DAY_MS),
    },
  });
  revalidatePath("/reports");
  return { id: snapshot.id, sha256: snapshot.sha256 };
});
