import { bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

/**
 * Steward as a security token service (docs/identity.md): trust domains whose JWT-SVIDs it
 * accepts, agents' registered public keys (private_key_jwt), its own signing keys, tasks and the
 * task tokens issued for them, the revocation feed, and the just-in-time secret store.
 */

export const TRUST_DOMAIN_SOURCES = ["jwks", "spiffe_bundle", "oidc"] as const;

/** A SPIFFE trust domain and where its JWT bundle comes from. */
export const trustDomains = pgTable("trust_domains", {
  id: text("id").primaryKey(), // td_…
  /** The SPIFFE trust domain name (`example.org` of `spiffe://example.org/…`), lower-case. */
  name: text("name").notNull().unique(),
  source: text("source", { enum: TRUST_DOMAIN_SOURCES }).notNull(),
  /** SPIRE bundle endpoint or OIDC issuer URL; null for an uploaded JWKS. */
  url: text("url"),
  /** The JWT bundle in use: the uploaded JWKS, or the last one fetched successfully (last-good cache). */
  jwks: jsonb("jwks").$type<{ keys: Record<string, unknown>[] }>().notNull().default({ keys: [] }),
  /** Algorithms accepted from this domain; asymmetric only, fixed by the admin. */
  allowedAlgs: jsonb("allowed_algs").$type<string[]>().notNull(),
  refreshSeconds: integer("refresh_seconds").notNull().default(300),
  /** PEM X.509 bundle, kept for X509-SVID verification by enforcement points. */
  x509Bundle: text("x509_bundle"),
  enabled: boolean("enabled").notNull().default(true),
  lastFetchedAt: timestamp("last_fetched_at", { withTimezone: true }),
  lastFetchError: text("last_fetch_error"),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Public keys registered on an agent for RFC 7523 client assertions (private_key_jwt). */
export const agentKeys = pgTable(
  "agent_keys",
  {
    id: text("id").primaryKey(), // akey_…
    agentId: text("agent_id").notNull(),
    kid: text("kid").notNull(),
    alg: text("alg").notNull(),
    publicJwk: jsonb("public_jwk").$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
  },
  (table) => [uniqueIndex("agent_keys_agent_kid_idx").on(table.agentId, table.kid)],
);

/**
 * Steward's ES256 signing keys. A key is published from `createdAt` and signs from `activatesAt`
 * (publish before signing); once a newer key signs it stays published until `retiresAt` (its
 * last token's expiry). The private key is AES-256-GCM encrypted (lib/identity/sealed-box.ts).
 */
export const signingKeys = pgTable("signing_keys", {
  kid: text("kid").primaryKey(),
  alg: text("alg").notNull().default("ES256"),
  publicJwk: jsonb("public_jwk").$type<Record<string, unknown>>().notNull(),
  privateKeySealed: text("private_key_sealed").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  activatesAt: timestamp("activates_at", { withTimezone: true }).notNull(),
  /** Set when a newer key takes over: now + the longest token lifetime. */
  retiresAt: timestamp("retires_at", { withTimezone: true }),
});

/** Assertion / SVID `jti`s seen, kept until the credential expires: a second use is a replay. */
export const usedAssertions = pgTable(
  "used_assertions",
  {
    issuer: text("issuer").notNull(),
    jti: text("jti").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.issuer, table.jti] }), index("used_assertions_expires_idx").on(table.expiresAt)],
);

export const TASK_STATUSES = ["live", "ended"] as const;

export const tasks = pgTable(
  "tasks",
  {
    id: text("id").primaryKey(), // tsk_…
    purpose: text("purpose").notNull(),
    /** "agent" (an agent started it) or "person" (on-behalf-of: the person's ID token was the subject). */
    initiatorType: text("initiator_type", { enum: ["agent", "person"] }).notNull(),
    initiator: text("initiator").notNull(),
    rootAgentId: text("root_agent_id").notNull(),
    status: text("status", { enum: TASK_STATUSES }).notNull().default("live"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /** The latest expiry of any token of the task (the feed keeps an ended task until then). */
    tokensExpireAt: timestamp("tokens_expire_at", { withTimezone: true }).notNull(),
    endedAt: timestamp("ended_at", { withTimezone: true }),
    endedBy: text("ended_by"),
  },
  (table) => [index("tasks_created_idx").on(table.createdAt), index("tasks_root_agent_idx").on(table.rootAgentId)],
);

/** Every task token issued (RFC 9068 JWT access token); the JWT itself is never stored. */
export const taskTokens = pgTable(
  "task_tokens",
  {
    jti: text("jti").primaryKey(),
    taskId: text("task_id")
      .notNull()
      .references(() => tasks.id, { onDelete: "cascade" }),
    agentId: text("agent_id").notNull(),
    clientId: text("client_id").notNull(),
    audience: text("audience").notNull(),
    scope: jsonb("scope").$type<string[]>().notNull(),
    parentJti: text("parent_jti"),
    depth: integer("depth").notNull().default(0),
    /** The RFC 8693 `act` claim as issued (null at depth 0). */
    act: jsonb("act").$type<Record<string, unknown> | null>(),
    /** How the agent proved who it is: jwt-svid or private_key_jwt, and the identity it presented. */
    authMethod: text("auth_method").notNull(),
    presentedIdentity: text("presented_identity").notNull(),
    trustDomain: text("trust_domain"),
    kid: text("kid").notNull(),
    issuedAt: timestamp("issued_at", { withTimezone: true }).notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    revokedReason: text("revoked_reason"),
  },
  (table) => [index("task_tokens_task_idx").on(table.taskId), index("task_tokens_agent_idx").on(table.agentId, table.issuedAt), index("task_tokens_expires_idx").on(table.expiresAt)],
);

export const REVOCATION_KINDS = ["token", "task", "agent"] as const;

/**
 * The revocation feed: one row per revoked token, ended task or revoked agent. `seq` is the
 * cursor; inserts take a transaction-scoped advisory lock, so seqs become visible in order.
 */
export const revocationEvents = pgTable(
  "revocation_events",
  {
    seq: bigserial("seq", { mode: "number" }).primaryKey(),
    kind: text("kind", { enum: REVOCATION_KINDS }).notNull(),
    /** The jti, task id or agent id. */
    ref: text("ref").notNull(),
    /** Until when the entry matters: the token's / task's latest expiry; for an agent, its tokens' latest. */
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index("revocation_events_expires_idx").on(table.expiresAt)],
);

/** Downstream credentials held for agents; the value is sealed and never shown again. */
export const secrets = pgTable("secrets", {
  id: text("id").primaryKey(), // sec_…
  name: text("name").notNull().unique(),
  description: text("description").notNull().default(""),
  /** The scope entry (tool or action) a task token must carry for the secret to be released. */
  upstream: text("upstream").notNull(),
  /** When set, the token's audience must be exactly this. */
  audience: text("audience"),
  valueSealed: text("value_sealed").notNull(),
  createdBy: text("created_by").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

export const SECRET_RELEASE_KINDS = ["secret", "downstream_token"] as const;
export const DOWNSTREAM_GRANTS = ["client_credentials", "token_exchange"] as const;

/** Every release of a secret to an enforcement point, for a task token. */

export const secretReleases = pgTable(
  "secret_releases",
  {
    id: text("id").primaryKey(), // rel_…
    secretId: text("secret_id").notNull(),
    secretName: text("secret_name").notNull(),
    taskId: text("task_id").notNull(),
    jti: text("jti").notNull(),
    agentId: text("agent_id").notNull(),
    enforcementPointId: text("enforcement_point_id").notNull(),
    /** What was released: the stored static secret, or a short-lived token from the downstream. Null: released before this was recorded. */
    kind: text("kind", { enum: SECRET_RELEASE_KINDS }),
    /** For a downstream token, the grant Steward used at the downstream's token endpoint. */
    grant: text("grant", { enum: DOWNSTREAM_GRANTS }),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index("secret_releases_task_idx").on(table.taskId), index("secret_releases_agent_idx").on(table.agentId, table.at)],
);
