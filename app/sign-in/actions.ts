"use server";

import { AuthError } from "next-auth";
import { z } from "zod";
import { publicAction } from "@/app/_server/action";
import { signIn } from "@/app/_server/auth";
import { StewardError } from "@/lib/errors";
import { getConfig } from "@/lib/config";
import { safeRedirectPath } from "@/lib/auth/safe-redirect";

const SignInInput = z.object({
  email: z.string().trim().min(1, "Enter your email address"),
  password: z.string().min(1, "Enter your password"),
  callbackUrl: z.string().optional(),
});

export const signInAction = publicAction(SignInInput, async (input) => {
  try {
    await signIn("credentials", { email: input.email, password: input.password, redirectTo: safeRedirectPath(input.callbackUrl) });
  } catch (error) {
    if (error instanceof AuthError && error.type === "CredentialsSignin") {
      const code = (error as AuthError & { code?: string }).code;
      if (code === "rate_limited") {
        const minutes = getConfig().signInLimits.windowMinutes;
        throw new StewardError("rate_limited", `Too many failed sign-in attempts. Wait ${minutes} minutes and try again, or ask an administrator.`);
      }
      throw new StewardError("unauthenticated", "The email or password is incorrect.");
    }
    throw error;
  }
});

export const ssoSignInAction = publicAction(z.unknown(), async () => {
  if (!getConfig().oidc) throw new StewardError("not_found", "Single sign-on is not configured");
  await signIn("oidc", { redirectTo: "/" });
});
