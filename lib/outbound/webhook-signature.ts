import { createHmac } from "node:crypto";

const SECRET_PREFIX = "whsec_";

/**
 * The Standard Webhooks v1 signature (https://www.standardwebhooks.com/, "Signature scheme"):
 * `v1,` + base64(HMAC-SHA256(key, `${id}.${unix seconds}.${body}`)), the key being the base64
 * after `whsec_`. Byte for byte what the `standardwebhooks` library's `Webhook.sign` returns (the
 * tests compare both, and every receiver test verifies with the library), computed with Node's
 * native HMAC: the library's pure-JS SHA-256 was a third of a delivery pass's CPU at 500 events
 * per batch.
 *
 * @param secret `whsec_…` (or bare base64) signing secret.
 * @throws Error when the secret decodes to no bytes.
 */
export function standardWebhookSignature(secret: string, id: string, at: Date, body: string): string {
  const key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, "base64");
  if (key.length === 0) throw new Error("Secret can't be empty.");
  const seconds = Math.floor(at.getTime() / 1000);
  return `v1,${createHmac("sha256", key).update(`${id}.${seconds}.${body}`, "utf8").digest("base64")}`;
}
