"use server";

import { z } from "zod";
import { action } from "@/app/_server/action";
import { signOut } from "@/app/_server/auth";

export const signOutAction = action("console.read", z.unknown(), async () => {
  await signOut({ redirectTo: "/sign-in?signedOut=1" });
});
