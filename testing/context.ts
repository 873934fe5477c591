import type { Actor, RequestContext } from "@/lib/auth/actor";
import type { Role } from "@/lib/auth/permissions";
import { newId } from "@/lib/ids";

/** Test helper: a request context for a person of the given role. */
export function userContext(role: Role, userId = newId("usr")): RequestContext & { actor: Actor } {
  return { actor: { type: "user", userId, email: `${role}-${userId}@example.test`, role, via: "session" }, requestId: newId("req"), ip: "127.0.0.1" };
}
