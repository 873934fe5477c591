"use server";

import { revalidatePath } from "next/cache";
import { action } from "@/app/_server/action";
import { RetryJobInput, retryJob } from "@/lib/jobs/admin";

/** Puts one failed job back in its queue (admins; audited as job.retry). */
export const retryJobAction = action("jobs.manage", RetryJobInput, async (ctx, input) => {
  const result = await retryJob({ ctx, input });
  revalidatePath("/jobs");
  return result;
});
