import { importJWK, type JWK } from "jose";

/**
 * Imported verification keys, keyed by the JWK's content and the algorithm: importing a public key
 * costs more than verifying with it, and the same few keys verify every request. A changed key (same
 * kid, new material) is a different entry; the map is bounded and simply cleared when full.
 */
const MAX_KEYS = 1_000;
type ImportedKey = Awaited<ReturnType<typeof importJWK>>;
const holder = globalThis as typeof globalThis & { __stewardImportedKeys?: Map<string, Promise<ImportedKey>> };
const keys = (holder.__stewardImportedKeys ??= new Map());

export function importVerificationKey(jwk: JWK | Record<string, unknown>, alg: string): Promise<ImportedKey> {
  const cacheKey = `${alg}\u0000${JSON.stringify(jwk)}`;
  let key = keys.get(cacheKey);
  if (!key) {
    key = importJWK({ ...(jwk as JWK), ext: true }, alg);
    // A failed import is not remembered.
    key.catch(() => keys.delete(cacheKey));
    if (keys.size >= MAX_KEYS) keys.clear();
    keys.set(cacheKey, key);
  }
  return key;
}
