import { createHash, randomBytes } from "node:crypto";

/**
 * Bearer secrets (personal API tokens, enforcement-point tokens): 256 random bits, a kind prefix
 * so a leaked token is recognisable, and only the SHA-256 stored. A fast hash is right here: the
 * secret has full entropy, so there is nothing to brute-force, and lookup stays one index probe.
 */
export type IssuedSecret = { plaintext: string; prefix: string; hash: string };

export function issueSecretToken(kind: "pat" | "ep"): IssuedSecret {
  const plaintext = `stw_${kind}_${randomBytes(32).toString("base64url")}`;
  return { plaintext, prefix: plaintext.slice(0, `stw_${kind}_`.length + 6), hash: hashSecretToken(plaintext) };
}

export function hashSecretToken(plaintext: string): string {
  return createHash("sha256").update(plaintext).digest("hex");
}

const TOKEN_SHAPE = /^stw_(pat|ep)_[A-Za-z0-9_-]{43}$/;

/** Rejects anything that cannot be a token before any query runs. */
export function secretTokenKind(candidate: string): "pat" | "ep" | null {
  const match = TOKEN_SHAPE.exec(candidate);
  return match ? (match[1] as "pat" | "ep") : null;
}
