"use server";

import { revalidatePath } from "next/cache";
import { action } from "@/app/_server/action";
import { createUser } from "@/lib/users/create-user";
import { CreateUserInput, UpdateUserRoleInput, UserIdInput } from "@/lib/users/schemas";
import { deactivateUser, reactivateUser, updateUserRole } from "@/lib/users/update-user";

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
