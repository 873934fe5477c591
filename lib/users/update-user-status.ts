import { z } from "zod";
import type { Ctx } from "../context";
import { RoleSchema } from "./schemas";
import { deactivateUser, reactivateUser, updateUserRole } from "./update-user";

/** The API's PATCH: change role and/or active state, each through its own audited verb. */
export const PatchUserInput = z
  .object({ role: RoleSchema.optional(), active: z.boolean().optional() })
  .strict()
  .refine((value) => value.role !== undefined || value.active !== undefined, { message: "Give role, active, or both" });

export async function patchUser({ ctx, userId, input }: { ctx: Ctx; userId: string; input: z.infer<typeof PatchUserInput> }) {
  let view = undefined;
  if (input.role !== undefined) view = await updateUserRole({ ctx, input: { userId, role: input.role } });
  if (input.active === false) view = await deactivateUser({ ctx, input: { userId } });
  if (input.active === true) view = await reactivateUser({ ctx, input: { userId } });
  return view!;
}
