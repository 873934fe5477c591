import { randomBytes } from "node:crypto";
import { open, seal } from "../identity/sealed-box";

/**
 * A destination's secret settings, sealed with AES-256-GCM under the console's secrets key and bound
 * to the destination id (a sealed value copied onto another destination does not open).
 */
export function sealDestinationSecret(destinationId: string, secret: Record<string, unknown>): string {
  return seal(JSON.stringify(secret), `destination:${destinationId}`);
}

export function openDestinationSecret(row: { id: string; sealedSecret: string }): Record<string, unknown> {
  return JSON.parse(open(row.sealedSecret, `destination:${row.id}`).toString("utf8")) as Record<string, unknown>;
}

/** A Standard Webhooks signing secret: `whsec_` + base64 of 32 random bytes. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

/** Removes every secret value (and the URL-embedded ones) from text that came back from a receiver. */
export function redactSecrets(text: string, secret: Record<string, unknown>): string {
  const values: string[] = [];
  const collect = (value: unknown) => {
    if (typeof value === "string" && value.length >= 6) values.push(value);
    else if (value && typeof value === "object") Object.values(value).forEach(collect);
  };
  collect(secret);
  let result = text;
  for (const value of values.sort((a, b) => b.length - a.length)) result = result.split(value).join("[redacted]");
  return result;
}
