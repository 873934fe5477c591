import { StewardError } from "../errors";
import type { Actor } from "./actor";
import { can, type Permission } from "./permissions";

/**
 * The only authorization check. Enforcement points hold exactly the permissions their token grants
 * (ingest, bundle pull); people hold their role's; the system holds all.
 */
const ENFORCEMENT_POINT_PERMISSIONS: ReadonlySet<string> = new Set(["decisions.ingest", "policies.bundle", "identity.introspect", "revocations.read", "secrets.release", "gateway.sync"]);
/** Permissions both people (by role) and enforcement points hold: asking the PDP for a decision, and requesting approval of a requestable denial. */
const SHARED_PERMISSIONS: ReadonlySet<string> = new Set(["policies.evaluate", "approvals.request"]);

/** `gateway.sync`: an MCP gateway pulls the registered MCP servers and reports its status and tool catalog. */
export type AnyPermission = Permission | "decisions.ingest" | "policies.bundle" | "identity.introspect" | "revocations.read" | "secrets.release" | "gateway.sync";

export function hasPermission(actor: Actor | null, permission: AnyPermission): boolean {
  if (!actor) return false;
  switch (actor.type) {
    case "system":
      return true;
    case "enforcement_point":
      return ENFORCEMENT_POINT_PERMISSIONS.has(permission) || SHARED_PERMISSIONS.has(permission);
    case "user":
      return !ENFORCEMENT_POINT_PERMISSIONS.has(permission) && can(actor.role, permission as Permission);
  }
}

export function requirePermission(actor: Actor | null, permission: AnyPermission): asserts actor is Actor {
  if (!actor) throw new StewardError("unauthenticated", "Sign in or present a valid bearer token");
  if (!hasPermission(actor, permission)) throw new StewardError("forbidden", forbiddenMessage(actor, permission));
}

/**
 * Why the actor may not: in terms of what it holds. A person holds a role; an enforcement point holds no role,
 * only what its token grants, so "your role" would send its operator looking for a role to change.
 */
export function forbiddenMessage(actor: Actor, permission: AnyPermission): string {
  switch (actor.type) {
    case "enforcement_point":
      return `This enforcement point's token does not grant the permission "${permission}"`;
    case "user":
      return ENFORCEMENT_POINT_PERMISSIONS.has(permission) ? `The permission "${permission}" is granted only to enforcement point tokens, not to people` : `Your role lacks the permission "${permission}"`;
    case "system":
      return `The system lacks the permission "${permission}"`; // never reached: the system holds every permission
  }
}
