import { createHmac, timingSafeEqual } from "node:crypto";
import { getConfig } from "../config";
import { StewardError } from "../errors";
import { isSetupNeeded } from "./first-admin";

/**
 * The first-run setup code: whoever can read the server's log (the person who started it) can
 * create the first administrator; whoever merely reaches the port cannot. It is printed at start
 * while no user exists and required by /setup; once the first user exists it opens nothing.
 *
 * Unless STEWARD_SETUP_CODE chooses one, it is derived from the installation's auth secret
 * (HMAC-SHA-256, 80 bits, Crockford base32 in four groups), so every process on one database and
 * every restart print the same code, and nothing needs to be stored.
 */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

export function currentSetupCode(): string {
  const config = getConfig();
  if (config.setupCode) return config.setupCode;
  const digest = createHmac("sha256", config.authSecret).update("steward first-run setup code v1").digest();
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of digest.subarray(0, 10)) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out.match(/.{4}/g)!.join("-");
}

/** Case, spaces and dashes do not matter when typing the code. */
const normalise = (code: string) => code.toUpperCase().replace(/[\s-]/g, "");

/** Throws forbidden (naming the log) unless `candidate` is the setup code; compared in constant time. */
export function requireSetupCode(candidate: string | undefined): void {
  const expected = Buffer.from(normalise(currentSetupCode()));
  const given = Buffer.from(normalise(candidate ?? ""));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new StewardError("forbidden", "That is not the setup code. It is printed in the server's log when Steward starts with no users.", { path: "setupCode" });
  }
}

/**
 * The setup page's full URL, so the log line can be opened as printed: the public URL (AUTH_URL) when
 * set; else the origin Next listens on (it records it in __NEXT_PRIVATE_ORIGIN once listening); else
 * HOST/HOSTNAME and PORT as `scripts/start.mjs` passes them (loopback and 3000 by default).
 */
export function setupPageUrl(env: Record<string, string | undefined> = process.env, publicUrl: string | undefined = getConfig().publicUrl): string {
  if (publicUrl) return new URL("/setup", publicUrl).toString();
  if (env.__NEXT_PRIVATE_ORIGIN) {
    try {
      return new URL("/setup", env.__NEXT_PRIVATE_ORIGIN).toString();
    } catch {
      // not a URL: fall through to HOST and PORT
    }
  }
  const host = env.HOST || env.HOSTNAME || "127.0.0.1";
  const shown = host === "0.0.0.0" || host === "::" ? "localhost" : host.includes(":") ? `[${host}]` : host;
  return `http://${shown}:${env.PORT || "3000"}/setup`;
}

/** At start: print the code while setup is still open (never once someone has an account). */
export async function announceSetupCode(log: (line: string) => void = (line) => console.info(line), url: string = setupPageUrl()): Promise<boolean> {
  if (!(await isSetupNeeded())) return false;
  log(`steward: no one has an account yet. Open ${url} and enter this one-time setup code: ${currentSetupCode()}`);
  return true;
}
