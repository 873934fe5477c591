import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { getConfig } from "../config";

/**
 * AES-256-GCM sealing for values at rest (secrets, Steward's signing keys). A sealed value is
 * `v1.<key id>.<iv>.<ciphertext+tag>` (base64url parts); the key id is the first 8 bytes of the
 * key's SHA-256, so a value sealed under a key rotated out (STEWARD_SECRETS_PREVIOUS_KEYS) is still
 * opened by that key. `context` is bound as additional authenticated data: a sealed value moved to
 * another row (another secret's id) fails to open.
 */
const VERSION = "v1";

export const keyId = (key: Buffer) => createHash("sha256").update(key).digest().subarray(0, 8).toString("base64url");

export function seal(plaintext: string | Buffer, context: string, key: Buffer = getConfig().secretsKey): string {
  if (key.length !== 32) throw new Error("The secrets key must be 32 bytes");
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(context, "utf8"));
  const body = Buffer.concat([cipher.update(typeof plaintext === "string" ? Buffer.from(plaintext, "utf8") : plaintext), cipher.final(), cipher.getAuthTag()]);
  return [VERSION, keyId(key), iv.toString("base64url"), body.toString("base64url")].join(".");
}

/** Opens a sealed value with whichever configured key sealed it; throws if none did or it was altered. */
export function open(sealed: string, context: string, keys: Buffer[] = [getConfig().secretsKey, ...getConfig().previousSecretsKeys]): Buffer {
  const [version, id, ivText, bodyText] = sealed.split(".");
  if (version !== VERSION || !id || !ivText || !bodyText) throw new Error("Not a sealed value");
  const key = keys.find((candidate) => keyId(candidate) === id);
  if (!key) throw new Error(`The key ${id} that sealed this value is not configured (STEWARD_SECRETS_KEY / STEWARD_SECRETS_PREVIOUS_KEYS)`);
  const body = Buffer.from(bodyText, "base64url");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(ivText, "base64url"));
  decipher.setAAD(Buffer.from(context, "utf8"));
  decipher.setAuthTag(body.subarray(body.length - 16));
  return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]);
}

/** True when the value was sealed by a key other than the current one (re-seal after a rotation). */
export function sealedWithOldKey(sealed: string): boolean {
  return sealed.split(".")[1] !== keyId(getConfig().secretsKey);
}
