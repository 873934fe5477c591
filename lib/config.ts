import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";

/**
 * The only module that reads process.env. Parsed once, on first use, so `next build`
 * (which imports every route) never needs a configured environment.
 */
const emptyAsUnset = (value: unknown) => (value === "" ? undefined : value);
const optionalString = z.preprocess(emptyAsUnset, z.string().optional());
const positiveInt = (fallback: number) => z.preprocess(emptyAsUnset, z.coerce.number().int().positive().default(fallback));

const RoleName = z.enum(["admin", "security", "risk", "viewer"]);

const EnvSchema = z.object({
  DATABASE_URL: z.preprocess(emptyAsUnset, z.string().url().optional()),
  DATABASE_READ_URL: z.preprocess(emptyAsUnset, z.string().url().optional()),
  STEWARD_DATA_DIR: z.preprocess(emptyAsUnset, z.string().default(".steward")),
  STEWARD_PGLITE_DIR: optionalString,
  AUTH_SECRET: z.preprocess(emptyAsUnset, z.string().min(32, "AUTH_SECRET must be at least 32 characters").optional()),
  AUTH_URL: z.preprocess(emptyAsUnset, z.string().url("AUTH_URL must be the console's public URL, e.g. https://steward.example.com").optional()),
  STEWARD_AUDIT_KEY: z.preprocess(emptyAsUnset, z.string().min(32, "STEWARD_AUDIT_KEY must be at least 32 characters").optional()),
  STEWARD_ADMIN_EMAIL: z.preprocess(emptyAsUnset, z.string().email().optional()),
  STEWARD_ADMIN_PASSWORD: z.preprocess(emptyAsUnset, z.string().min(12, "STEWARD_ADMIN_PASSWORD must be at least 12 characters").optional()),
  STEWARD_OIDC_ISSUER: z.preprocess(emptyAsUnset, z.string().url().optional()),
  STEWARD_OIDC_CLIENT_ID: optionalString,
  STEWARD_OIDC_CLIENT_SECRET: optionalString,
  STEWARD_OIDC_NAME: z.preprocess(emptyAsUnset, z.string().default("Single sign-on")),
  STEWARD_OIDC_ROLE_CLAIM: z.preprocess(emptyAsUnset, z.string().default("steward_role")),
  STEWARD_OIDC_DEFAULT_ROLE: z.preprocess(emptyAsUnset, RoleName.default("viewer")),
  STEWARD_LOGIN_MAX_FAILURES_PER_ACCOUNT: positiveInt(5),
  STEWARD_LOGIN_MAX_FAILURES_PER_IP: positiveInt(30),
  STEWARD_LOGIN_WINDOW_MINUTES: positiveInt(15),
  STEWARD_SHUTDOWN_TIMEOUT_SECONDS: positiveInt(10),
  STEWARD_PGLITE_MIN_FREE_MB: z.preprocess(emptyAsUnset, z.coerce.number().int().min(0).default(64)),
  STEWARD_FEED_MAX_STREAMS_PER_USER: positiveInt(5),
  STEWARD_FEED_MAX_STREAM_MINUTES: positiveInt(30),
  STEWARD_SETUP_CODE: z.preprocess(emptyAsUnset, z.string().min(12, "STEWARD_SETUP_CODE must be at least 12 characters").optional()),
  STEWARD_SECRETS_KEY: z.preprocess(emptyAsUnset, z.string().regex(/^[A-Za-z0-9+/_-]{43}=?$/, "STEWARD_SECRETS_KEY must be 32 bytes, base64 or base64url").optional()),
  STEWARD_SECRETS_PREVIOUS_KEYS: optionalString,
  STEWARD_APPROVAL_CALLBACK_ALLOW: optionalString,
});

export type StewardConfig = {
  databaseUrl: string | undefined;
  /** A streaming replica of DATABASE_URL that read-heavy pages may use (docs/operations.md, *Read replica*). */
  databaseReadUrl: string | undefined;
  dataDir: string;
  pgliteDir: string;
  authSecret: string;
  /** The console's public origin (from AUTH_URL), when it runs behind a proxy; else undefined. */
  publicOrigin: string | undefined;
  /** HMAC key of the audit chain; never stored in the database (STEWARD_AUDIT_KEY or $STEWARD_DATA_DIR/audit-key). */
  auditKey: string;
  bootstrapAdmin: { email: string; password: string } | undefined;
  oidc:
    | { issuer: string; clientId: string; clientSecret: string; name: string; roleClaim: string; defaultRole: z.infer<typeof RoleName> }
    | undefined;
  signInLimits: { perAccount: number; perIp: number; windowMinutes: number };
  lifecycle: LifecycleConfig;
  /** Chosen first-run setup code (else one is derived from the auth secret); see lib/users/setup-code.ts. */
  setupCode: string | undefined;
  /** AES-256-GCM key for secrets and signing keys: STEWARD_SECRETS_KEY, else a generated key file. */
  secretsKey: Buffer;
  /** Keys rotated out (STEWARD_SECRETS_PREVIOUS_KEYS, comma-separated): still decrypt, never encrypt. */
  previousSecretsKeys: Buffer[];
  /** The console's public origin (AUTH_URL), for links in notifications sent outside a request (same as publicOrigin). */
  publicUrl: string | undefined;
  /** Origins (scheme://host:port) access-request callbacks may reach although http or internal. */
  approvalCallbackAllow: string[];
};

export type LifecycleConfig = {
  /** How long a graceful stop waits for in-flight requests before cutting them off, in ms. */
  shutdownTimeoutMs: number;
  /** PGlite only: writes are refused (503) while the data folder's file system has less free space than this, in bytes. */
  pgliteMinFreeBytes: number;
  /** Live-feed streams one user (or token) may hold open at once; more answer 429. */
  feedMaxStreamsPerActor: number;
  /** A live-feed stream is ended after this long, in ms; the browser reconnects and is authenticated afresh. */
  feedMaxStreamMs: number;
};

let cached: StewardConfig | undefined;

export function getConfig(): StewardConfig {
  if (cached) return cached;
  const parsed = EnvSchema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    throw new Error(`Invalid Steward configuration: ${problems}`);
  }
  const env = parsed.data;
  const dataDir = path.resolve(/*turbopackIgnore: true*/ env.STEWARD_DATA_DIR);
  const oidcParts = [env.STEWARD_OIDC_ISSUER, env.STEWARD_OIDC_CLIENT_ID, env.STEWARD_OIDC_CLIENT_SECRET];
  if (oidcParts.some(Boolean) && !oidcParts.every(Boolean)) {
    throw new Error(
      "Invalid Steward configuration: single sign-on needs all of STEWARD_OIDC_ISSUER, STEWARD_OIDC_CLIENT_ID and STEWARD_OIDC_CLIENT_SECRET",
    );
  }
  if (Boolean(env.STEWARD_ADMIN_EMAIL) !== Boolean(env.STEWARD_ADMIN_PASSWORD)) {
    throw new Error("Invalid Steward configuration: set both STEWARD_ADMIN_EMAIL and STEWARD_ADMIN_PASSWORD, or neither");
  }
  cached = {
    databaseUrl: env.DATABASE_URL,
    databaseReadUrl: env.DATABASE_URL ? env.DATABASE_READ_URL : undefined,
    dataDir,
    pgliteDir: path.resolve(/*turbopackIgnore: true*/ env.STEWARD_PGLITE_DIR ?? path.join(/*turbopackIgnore: true*/ dataDir, "pglite")),
    authSecret: env.AUTH_SECRET ?? loadOrCreateSecret(dataDir),
    publicOrigin: env.AUTH_URL ? new URL(env.AUTH_URL).origin : undefined,
    auditKey: env.STEWARD_AUDIT_KEY ?? loadOrCreateSecret(dataDir, "audit-key"),
    bootstrapAdmin:
      env.STEWARD_ADMIN_EMAIL && env.STEWARD_ADMIN_PASSWORD
        ? { email: env.STEWARD_ADMIN_EMAIL, password: env.STEWARD_ADMIN_PASSWORD }
        : undefined,
    oidc:
      env.STEWARD_OIDC_ISSUER && env.STEWARD_OIDC_CLIENT_ID && env.STEWARD_OIDC_CLIENT_SECRET
        ? {
            issuer: env.STEWARD_OIDC_ISSUER,
            clientId: env.STEWARD_OIDC_CLIENT_ID,
            clientSecret: env.STEWARD_OIDC_CLIENT_SECRET,
            name: env.STEWARD_OIDC_NAME,
            roleClaim: env.STEWARD_OIDC_ROLE_CLAIM,
            defaultRole: env.STEWARD_OIDC_DEFAULT_ROLE,
          }
        : undefined,
    secretsKey: env.STEWARD_SECRETS_KEY ? Buffer.from(env.STEWARD_SECRETS_KEY, "base64url") : loadOrCreateSecretsKey(dataDir),
    previousSecretsKeys: (env.STEWARD_SECRETS_PREVIOUS_KEYS ?? "")
      .split(",")
      .map((key) => key.trim())
      .filter(Boolean)
      .map((key) => Buffer.from(key, "base64url"))
      .filter((key) => key.length === 32),
    signInLimits: {
      perAccount: env.STEWARD_LOGIN_MAX_FAILURES_PER_ACCOUNT,
      perIp: env.STEWARD_LOGIN_MAX_FAILURES_PER_IP,
      windowMinutes: env.STEWARD_LOGIN_WINDOW_MINUTES,
    },
    lifecycle: {
      shutdownTimeoutMs: env.STEWARD_SHUTDOWN_TIMEOUT_SECONDS * 1000,
      pgliteMinFreeBytes: env.STEWARD_PGLITE_MIN_FREE_MB * 1024 * 1024,
      feedMaxStreamsPerActor: env.STEWARD_FEED_MAX_STREAMS_PER_USER,
      feedMaxStreamMs: env.STEWARD_FEED_MAX_STREAM_MINUTES * 60_000,
    },
    setupCode: env.STEWARD_SETUP_CODE,
    publicUrl: env.AUTH_URL ? new URL(env.AUTH_URL).origin : undefined,
    approvalCallbackAllow: (env.STEWARD_APPROVAL_CALLBACK_ALLOW ?? "")
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean)
      .map((item) => new URL(item).origin),
  };
  return cached;
}

const LIFECYCLE_DEFAULTS: LifecycleConfig = { shutdownTimeoutMs: 10_000, pgliteMinFreeBytes: 64 * 1024 * 1024, feedMaxStreamsPerActor: 5, feedMaxStreamMs: 30 * 60_000 };

/** The lifecycle settings, falling back to the defaults when the configuration is invalid (the stop must work even then). */
export function getLifecycleConfig(): LifecycleConfig {
  try {
    return getConfig().lifecycle;
  } catch {
    return LIFECYCLE_DEFAULTS;
  }
}

/** Generated once per installation and kept beside the data, readable only by its owner. */
function loadOrCreateSecret(dataDir: string, name = "auth-secret"): string {
  const file = path.join(/*turbopackIgnore: true*/ dataDir, name);
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(file, randomBytes(48).toString("base64url") + "\n", { mode: 0o600, flag: "wx" });
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return readFileSync(file, "utf8").trim();
}

/**
 * The secrets key file (32 random bytes, base64url), created on first use beside the data and
 * readable only by its owner. Its value is never printed; back it up with the database.
 */
function loadOrCreateSecretsKey(dataDir: string): Buffer {
  const file = path.join(/*turbopackIgnore: true*/ dataDir, "secrets-key");
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    try {
      writeFileSync(file, randomBytes(32).toString("base64url") + "\n", { mode: 0o600, flag: "wx" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  const key = Buffer.from(readFileSync(file, "utf8").trim(), "base64url");
  if (key.length !== 32) throw new Error(`Invalid Steward configuration: ${file} must hold 32 bytes (base64url)`);
  return key;
}

/** For tests that change the environment between cases. */
export function resetConfigForTests(): void {
  cached = undefined;
}
