import { headers } from "next/headers";
import { authenticatePersonalToken } from "@/lib/api-tokens/api-tokens";
import { authenticateEnforcementPointToken } from "@/lib/enforcement-points/authenticate-enforcement-point-token";
import type { Actor, RequestContext } from "@/lib/auth/actor";
import { secretTokenKind } from "@/lib/auth/secret-token";
import { getUserById } from "@/db/users";
import { getDb } from "@/db/client";
import { newId } from "@/lib/ids";
import { ensureStarted } from "@/lib/startup";
import { auth } from "./auth";
import { clientIp } from "./request-meta";

/** Bearer token → that token's owner; otherwise the signed-in session, re-read from the database. */
export async function resolveActor(requestHeaders: Headers): Promise<Actor | null> {
  await ensureStarted();
  const authorization = requestHeaders.get("authorization");
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    const token = match?.[1];
    if (!token) return null;
    switch (secretTokenKind(token)) {
      case "pat":
        return authenticatePersonalToken(token);
      case "ep":
        return authenticateEnforcementPointToken(token);
      default:
        return null;
    }
  }
  const session = await auth();
  const userId = session?.user?.id;
  if (!userId) return null;
  // Re-read on every request: a deactivation or role change takes effect at once, and a cookie
  // issued under an older session version (sign-out, password or role change since) is anonymous.
  const user = await getUserById(await getDb(), userId);
  if (!user || !user.active) return null;
  if (sessionVersionOf(session) !== user.sessionVersion) return null;
  return { type: "user", userId: user.id, email: user.email, role: user.role, via: "session", sessionVersion: user.sessionVersion, ...(user.mustChangePassword ? { mustChangePassword: true } : {}) };
}

function sessionVersionOf(session: unknown): number | undefined {
  const value = (session as { sessionVersion?: unknown } | null)?.sessionVersion;
  return typeof value === "number" ? value : undefined;
}

export async function currentRequestContext(): Promise<Omit<RequestContext, "actor"> & { actor: Actor | null }> {
  const requestHeaders = await headers();
  return { actor: await resolveActor(requestHeaders), requestId: newId("req"), ip: clientIp(requestHeaders) };
}

/**
 * For long-lived responses (the live feed): is the actor who opened the request still who they were?
 * A bearer token is authenticated again (revoked or expired → null, owner deactivated → null); a
 * session's user is re-read (deactivated, role changed, or signed out / password changed since —
 * a new session version — → null).
 */
export async function reresolveActor(opened: Actor, requestHeaders: Headers): Promise<Actor | null> {
  if (opened.type === "user" && opened.via === "session") {
    const user = await getUserById(await getDb(), opened.userId);
    if (!user || !user.active || user.role !== opened.role || user.sessionVersion !== opened.sessionVersion) return null;
    return opened;
  }
  return resolveActor(new Headers({ authorization: requestHeaders.get("authorization") ?? "" }));
}
