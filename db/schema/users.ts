import { boolean, index, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/** Console users: people who sign in. Roles are decided in lib/auth/permissions.ts. */
export const users = pgTable("users", {
  id: text("id").primaryKey(), // usr_…
  email: text("email").notNull().unique(), // stored lower-case
  name: text("name").notNull(),
  role: text("role", { enum: ["admin", "security", "risk", "viewer"] }).notNull(),
  /** scrypt$N$r$p$salt$hash; null for single-sign-on-only users. */
  passwordHash: text("password_hash"),
  authProvider: text("auth_provider", { enum: ["local", "oidc"] }).notNull().default("local"),
  active: boolean("active").notNull().default(true),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  deactivatedAt: timestamp("deactivated_at", { withTimezone: true }),
  lastSignInAt: timestamp("last_sign_in_at", { withTimezone: true }),
  /**
   * Every session cookie carries the version it was issued under; a request whose version differs is
   * anonymous. Bumped at sign-out, deactivation, role change and password change (lib/users/session-version.ts).
   */
  sessionVersion: integer("session_version").notNull().default(1),
  /** Set by an administrator's password reset: the person must choose a new password before anything else. */
  mustChangePassword: boolean("must_change_password").notNull().default(false),
});

/** Personal API tokens. Only the SHA-256 of the token is kept; the plaintext is shown once. */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: text("id").primaryKey(), // tok_…
    userId: text("user_id").notNull().references(() => users.id),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (table) => [index("api_tokens_user_idx").on(table.userId)],
);

/**
 * Password attempts, written before the password is checked (lib/users/sign-in.ts) and counted per
 * account and per source address to slow password guessing. `checked` is false for an attempt that
 * was refused unchecked; those count toward no limit and only mark a burst in progress.
 */
export const signInFailures = pgTable(
  "sign_in_failures",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    ip: text("ip"),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    checked: boolean("checked").notNull().default(true),
  },
  (table) => [index("sign_in_failures_email_idx").on(table.email, table.at), index("sign_in_failures_ip_idx").on(table.ip, table.at)],
);
