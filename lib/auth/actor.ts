import type { Role } from "./permissions";

/** Who is acting. Verbs take it from the request, never from the input. */
export type Actor =
  | {
      type: "user";
      userId: string;
      email: string;
      role: Role;
      via: "session" | "token";
      tokenId?: string;
      /** An administrator reset the password: only the change-password page and sign-out work until a new one is chosen. */
      mustChangePassword?: boolean;
      /** Session actors: the per-user session version the cookie was issued under (a long-lived response re-checks it). */
      sessionVersion?: number;
    }
  | { type: "enforcement_point"; enforcementPointId: string; name: string }
  | { type: "system"; reason: string };

export type RequestContext = {
  actor: Actor;
  requestId: string;
  /** Source address as seen by the server (rightmost X-Forwarded-For hop). */
  ip: string | null;
};

export function actorLabel(actor: Actor): string {
  switch (actor.type) {
    case "user":
      return actor.email;
    case "enforcement_point":
      return `enforcement point ${actor.name}`;
    case "system":
      return `system (${actor.reason})`;
  }
}

export const systemContext = (reason: string): RequestContext => ({
  actor: { type: "system", reason },
  requestId: `sys_${reason}`,
  ip: null,
});
