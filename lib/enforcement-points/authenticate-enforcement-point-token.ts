import { getDb } from "@/db/client";
import { findEnforcementPointByLiveTokenHash } from "@/db/enforcement-points";
import type { Actor } from "../auth/actor";
import { hashSecretToken, secretTokenKind } from "../auth/secret-token";
import { StewardError } from "../errors";

/**
 * `Authorization: Bearer stw_ep_…` → the EP actor, or null (unknown, revoked, or past its rotation
 * grace). A disabled EP is known but refused: 403 with a message its operator can act on.
 */
export async function authenticateEnforcementPointToken(plaintext: string): Promise<Actor | null> {
  if (secretTokenKind(plaintext) !== "ep") return null;
  const ep = await findEnforcementPointByLiveTokenHash(await getDb(), hashSecretToken(plaintext));
  if (!ep) return null;
  if (!ep.enabled) throw new StewardError("forbidden", `Enforcement point ${ep.name} is disabled; an administrator must enable it before it can send decisions`);
  return { type: "enforcement_point", enforcementPointId: ep.id, name: ep.name };
}
