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
  STEWARD_DATA_DIR: z.preprocess(emptyAsUnset, z.string().default(".steward")),
  STEWARD_PGLITE_DIR: optionalString,
  AUTH_SECRET: z.preprocess(emptyAsUnset, z.string().min(32, "AUTH_SECRET must be at least 32 characters").optional()),
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
  AUTH_URL: z.preprocess(emptyAsUnset, z.string().url().optional()),
  STEWARD_APPROVAL_CALLBACK_ALLOW: optionalString,
});

export type StewardConfig = {
  databaseUrl: string | undefined;
  dataDir: string;
  pgliteDir: string;
  authSecret: string;
  bootstrapAdmin: { email: string; password: string } | undefined;
  oidc:
    | { issuer: string; clientId: string; clientSecret: string; name: string; roleClaim: string; defaultRole: z.infer<typeof RoleName> }
    | undefined;
  signInLimits: { perAccount: number; perIp: number; windowMinutes: number };
  /** The console's public origin (AUTH_URL), for links in notifications sent outside a request. */
  publicUrl: string | undefined;
  /** Origins (scheme://host:port) access-request callbacks may reach although http or internal. */
  approvalCallbackAllow: string[];
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
    dataDir,
    pgliteDir: path.resolve(/*turbopackIgnore: true*/ env.STEWARD_PGLITE_DIR ?? path.join(/*turbopackIgnore: true*/ dataDir, "pglite")),
    authSecret: env.AUTH_SECRET ?? loadOrCreateSecret(dataDir),
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
    signInLimits: {
      perAccount: env.STEWARD_LOGIN_MAX_FAILURES_PER_ACCOUNT,
      perIp: env.STEWARD_LOGIN_MAX_FAILURES_PER_IP,
      windowMinutes: env.STEWARD_LOGIN_WINDOW_MINUTES,
    },
    publicUrl: env.AUTH_URL ? new URL(env.AUTH_URL).origin : undefined,
    approvalCallbackAllow: (env.STEWARD_APPROVAL_CALLBACK_ALLOW ?? "")
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean)
      .map((item) => new URL(item).origin),
  };
  return cached;
}

/** Generated once per installation and kept beside the data, readable only by its owner. */
function loadOrCreateSecret(dataDir: string): string {
  const file = path.join(/*turbopackIgnore: true*/ dataDir, "auth-secret");
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

/** For tests that change the environment between cases. */
export function resetConfigForTests(): void {
  cached = undefined;
}
