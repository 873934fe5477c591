"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { publicAction } from "@/app/_server/action";
import { signIn } from "@/app/_server/auth";
import { setupFirstAdmin } from "@/lib/users/first-admin";
import { SetupAdminInput } from "@/lib/users/schemas";

const SetupForm = SetupAdminInput.extend({ confirmPassword: z.string(), setupCode: z.string().trim().max(64).optional() }).refine((value) => value.password === value.confirmPassword, {
  message: "The two passwords differ",
  path: ["confirmPassword"],
});

/** Creates the first administrator (refused once any user exists) and signs them in. */
export const setupAdminAction = publicAction(SetupForm, async (input, meta) => {
  await setupFirstAdmin({ input: { email: input.email, name: input.name, password: input.password }, ip: meta.ip, setupCode: input.setupCode });
  await signIn("credentials", { email: input.email, password: input.password, redirect: false });
  redirect("/");
});
