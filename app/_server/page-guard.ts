import { forbidden, notFound, redirect } from "next/navigation";
import { headers } from "next/headers";
import type { Actor } from "@/lib/auth/actor";
import { hasPermission, type AnyPermission } from "@/lib/auth/require-permission";
import { StewardError } from "@/lib/errors";
import { RETURN_TO_HEADER, signInReturnPath } from "@/lib/auth/safe-redirect";
import { newId } from "@/lib/ids";
import { resolveActor } from "./actor";
import { clientIp } from "./request-meta";

/**
 * Every page's first line: anonymous → sign-in (returning here), lacking the permission → 403 page,
 * a pending password change (after an administrator's reset) → the change-password page.
 */
export async function requirePageActor(permission: AnyPermission, returnTo: string, options: { allowPendingPasswordChange?: boolean } = {}) {
  const requestHeaders = await headers();
  const actor = await resolveActor(requestHeaders);
  if (!actor) redirect(`/sign-in?callbackUrl=${encodeURIComponent(signInReturnPath(requestHeaders.get(RETURN_TO_HEADER), returnTo))}`);
  if (!hasPermission(actor, permission)) forbidden();
  if (actor.type === "user" && actor.mustChangePassword && !options.allowPendingPasswordChange) redirect("/change-password");
  return { actor: actor as Actor & { type: "user" }, requestId: newId("req"), ip: clientIp(requestHeaders) };
}

/** A page for a record that does not exist answers 404, not an error page. */
export async function orNotFound<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof StewardError && error.code === "not_found") notFound();
    throw error;
  }
}
