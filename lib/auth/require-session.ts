import { StewardError } from "../errors";
import type { Actor } from "./actor";

export type SessionActor = Extract<Actor, { type: "user" }> & { via: "session" };

/**
 * Some verbs change who can act at all: minting a personal API token, changing a password, changing
 * a role. They need a person at a signed-in browser session, never a bearer token — otherwise one
 * leaked token mints more tokens, outliving its own revocation. The rule lives here, called by the
 * verb itself, so every path that reaches the verb (REST route, server action with or without an
 * Authorization header, a future CLI) is held to it.
 *
 * @throws StewardError("forbidden") for a token-, enforcement-point- or system-authenticated actor.
 */
export function requireBrowserSession(actor: Actor, what: string): asserts actor is SessionActor {
  if (actor.type !== "user" || actor.via !== "session") {
    throw new StewardError("forbidden", `${what} needs a signed-in browser session; an API token cannot do it`);
  }
}
