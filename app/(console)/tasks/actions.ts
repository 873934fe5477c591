"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action } from "@/app/_server/action";
import { endTask } from "@/lib/identity/revocation";

export const endTaskAction = action("tasks.end", z.object({ taskId: z.string().min(1).max(200) }), async (ctx, input) => {
  const result = await endTask({ ctx, input });
  revalidatePath(`/tasks/${input.taskId}`);
  revalidatePath("/tasks");
  return { revokedTokens: result.revokedTokens };
});
