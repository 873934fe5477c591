"use server";

import { redirect } from "next/navigation";
import { action } from "@/app/_server/action";
import { reissueOwnSession } from "@/app/_server/auth";
import { getConfig } from "@/lib/config";
import { ChangeOwnPasswordInput, changeOwnPassword } from "@/lib/users/passwords";

// Allowed while a reset is pending: this is the one thing such a session may do.
export const changeOwnPasswordAction = action(
  "console.read",
  ChangeOwnPasswordInput,
  async (ctx, input) => {
    const { sessionVersion } = await changeOwnPassword({ ctx, input, limits: getConfig().signInLimits });
    // Every other session ended with the bump; this browser's continues under the new version.
    if (ctx.actor.type === "user") await reissueOwnSession(ctx.actor.userId, sessionVersion);
    // A redirect, not a re-render: the re-render would read the old cookie from this request's
    // headers; the redirected request carries the re-issued one.
    redirect("/change-password?changed=1");
  },
  { allowPendingPasswordChange: true },
);
