"use server";

import { revalidatePath } from "next/cache";
import { action } from "@/app/_server/action";
import { createUser } from "@/lib/users/create-user";
import { CreateUserInput, UpdateUserRoleInput, UserIdInput } from "@/lib/users/schemas";
import { deactivateUser, reactivateUser, updateUserRole } from "@/lib/users/update-user";
import { ResetPasswordInput, resetUserPassword } from "@/lib/users/passwords";

export const createUserAction = action("users.manage", CreateUserInput, async (ctx, input) => {
  const user = await createUser({ ctx, input });
  revalidatePath("/people");
  return user;
});

export const changeUserRoleAction = action("users.manage", UpdateUserRoleInput, async (ctx, input) => {
  const user = await updateUserRole({ ctx, input });
  revalidatePath("/people");
  return user;
});

export const deactivateUserAction = action("users.manage", UserIdInput, async (ctx, input) => {
  const user = await deactivateUser({ ctx, input });
  revalidatePath("/people");
  return user;
});

export const reactivateUserAction = action("users.manage", UserIdInput, async (ctx, input) => {
  const user = await reactivateUser({ ctx, input });
  revalidatePath("/people");
  return user;
});

/** The temporary password is in this response only; the person must replace it at next sign-in. */
export const resetUserPasswordAction = action("users.manage", ResetPasswordInput, async (ctx, input) => {
  const { user, temporaryPassword } = await resetUserPassword({ ctx, input });
  revalidatePath("/people");
  return { email: user.email, temporaryPassword };
});
