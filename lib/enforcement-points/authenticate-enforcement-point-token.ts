import { getDb, type Executor } from "@/db/client";
import { findEnforcementPointByLiveTokenHash } from "@/db/enforcement-points";
import { listenForChanges, notifyChannel } from "@/db/notify";
import type { Actor } from "../auth/actor";
import { hashSecretToken, secretTokenKind } from "../auth/secret-token";
import { StewardError } from "../errors";

/**
 * How long a token check is reused. The PDP and ingest routes see thousands of requests a second
 * from a handful of EPs; one database round trip each would dominate them. A revocation, rotation
 * without grace, or disable clears the cache at once in this process, and in every other Steward
 * process on the same server as soon as its NOTIFY arrives; this bound only matters if that
 * listening connection is down. Documented in docs/policies.md.
 */
export const EP_TOKEN_CACHE_MS = 5_000;
const MAX_ENTRIES = 10_000;

const CHANGED_CHANNEL = "steward_ep_tokens_changed";

type Entry = { until: number; actor: Actor & { type: "enforcement_point" }; enabled: boolean };
const holder = globalThis as typeof globalThis & { __stewardEpTokens?: Map<string, Entry> };
const cache = (holder.__stewardEpTokens ??= new Map());

/** Other processes' token changes clear this cache. */
const listenForTokenChanges = () => listenForChanges(CHANGED_CHANNEL, () => cache.clear(), `cached checks expire after ${EP_TOKEN_CACHE_MS} ms`);

/**
 * `Authorization: Bearer stw_ep_…` → the EP actor, or null (unknown, revoked, or past its rotation
 * grace). A disabled EP is known but refused: 403 with a message its operator can act on.
 * Only known tokens are cached (keyed by the token's hash, never the plaintext), each at most
 * EP_TOKEN_CACHE_MS and never past the token's own expiry.
 */
export async function authenticateEnforcementPointToken(plaintext: string, now: number = Date.now()): Promise<Actor | null> {
  if (secretTokenKind(plaintext) !== "ep") return null;
  await listenForTokenChanges();
  const tokenHash = hashSecretToken(plaintext);
  let entry = cache.get(tokenHash);
  if (!entry || entry.until <= now) {
    const found = await findEnforcementPointByLiveTokenHash(await getDb(), tokenHash);
    if (!found) {
      cache.delete(tokenHash);
      return null;
    }
    const until = Math.min(now + EP_TOKEN_CACHE_MS, found.tokenExpiresAt?.getTime() ?? Infinity);
    entry = { until, actor: { type: "enforcement_point", enforcementPointId: found.ep.id, name: found.ep.name }, enabled: found.ep.enabled };
    if (cache.size >= MAX_ENTRIES) cache.clear();
    cache.set(tokenHash, entry);
  }
  if (!entry.enabled) throw new StewardError("forbidden", `Enforcement point ${entry.actor.name} is disabled; an administrator must enable it before it can send decisions`);
  return entry.actor;
}

/** Inside the transaction of a revoke, rotation or enable/disable: every process drops its cached checks at commit. */
export async function announceEnforcementPointTokensChanged(tx: Executor): Promise<void> {
  await notifyChannel(tx, CHANGED_CHANNEL);
}

/** Called after a revoke, rotation or enable/disable commits, so this process never serves the old state. */
export function forgetEnforcementPointTokens(): void {
  cache.clear();
}
