import type { Actor } from "@/lib/auth/actor";
import { isStateChangingMethod, originProblem } from "@/lib/auth/origin-check";
import { getConfig } from "@/lib/config";
import { StewardError } from "@/lib/errors";

/**
 * Refuses a cookie-authenticated state change whose Origin is not this console (CSRF). Bearer-token
 * and enforcement-point requests are exempt: a browser never attaches those on its own.
 *
 * @throws StewardError("forbidden") naming the problem.
 */
export function assertSameOriginForSession(actor: Actor | null, method: string, headers: Headers, protocol: string): void {
  if (actor?.type !== "user" || actor.via !== "session" || !isStateChangingMethod(method)) return;
  const problem = originProblem({
    origin: headers.get("origin"),
    host: headers.get("host"),
    forwardedHost: headers.get("x-forwarded-host"),
    forwardedProto: headers.get("x-forwarded-proto"),
    protocol,
    publicOrigin: getConfig().publicOrigin,
  });
  if (problem) throw new StewardError("forbidden", problem);
}

/**
 * After an administrator's reset, a session may only choose a new password (and sign out).
 * @throws StewardError("forbidden") while a password change is pending.
 */
export function assertNoPendingPasswordChange(actor: Actor): void {
  if (actor.type === "user" && actor.mustChangePassword) {
    throw new StewardError("forbidden", "An administrator reset your password: choose a new one at /change-password first");
  }
}
