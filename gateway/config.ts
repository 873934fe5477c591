import { readFileSync } from "node:fs";
import { z } from "zod";

/**
 * Gateway settings: an optional JSON file (STEWARD_GATEWAY_CONFIG) overlaid by environment
 * variables. Secrets (the console token, upstream credentials, agent keys) may come from either;
 * they are never logged.
 */
const Credential = z
  .object({
    header: z.string().default("authorization"),
    value: z.string().optional(),
    valueEnv: z.string().optional().describe("Read the value from this gateway environment variable at call time"),
    env: z.record(z.string(), z.string()).optional().describe("stdio: variables set in the spawned server's environment"),
    /**
     * Just-in-time, per task: the name of a secret in the console's secret store. For each call the
     * gateway has it released (POST /api/v1/secrets/release) with the calling agent's task token,
     * caches it per (token jti, secret) until the earlier of the token's and the release's expiry, and
     * sends it in `header` on that task's own upstream session (gateway/secret-releases.ts). HTTP only.
     */
    consoleSecret: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,100}$/, "A console secret's name: letters, digits, dot, dash and underscore")
      .optional(),
    /** With consoleSecret: sent as `<scheme> <value>` (e.g. "Bearer"). Unset: a static secret is sent as stored, a downstream token as `<token_type> <token>` in Authorization. */
    scheme: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9._~+/-]{0,63}$/)
      .optional(),
  })
  .refine((credential) => !credential.consoleSecret || (credential.value === undefined && credential.valueEnv === undefined && credential.env === undefined), {
    message: "A credential is either the gateway's own (value, valueEnv, env) or a console secret, not both",
  });

export const UpstreamConfig = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "Use lower-case letters, digits, - and _"),
  transport: z.enum(["http", "stdio"]),
  url: z.url().optional().describe("Streamable HTTP endpoint of the upstream MCP server"),
  command: z.string().optional().describe("Executable spawned for a stdio upstream"),
  args: z.array(z.string()).default([]),
  /** Just-in-time credential: sent as `Authorization` (http) or set as env (stdio) by the gateway only. */
  credential: Credential.optional(),
  dataSensitivity: z.enum(["public", "internal", "confidential", "restricted"]).default("internal"),
  environment: z.string().default(""),
  /** Annotation overrides per tool, e.g. {"delete_file": {"destructiveHint": true}}. */
  toolAnnotations: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
  timeoutMs: z.number().int().positive().default(30_000),
}).refine((upstream) => upstream.transport === "http" || !upstream.credential?.consoleSecret, {
  // One stdio process serves every agent: its environment cannot carry one task's secret (docs/gateway.md).
  message: "A console secret is released per task and needs an HTTP upstream: a stdio server is one process for all agents",
  path: ["credential", "consoleSecret"],
});
export type UpstreamConfig = z.infer<typeof UpstreamConfig>;

export const GatewayConfig = z.object({
  listen: z.object({ host: z.string().default("127.0.0.1"), port: z.number().int().min(0).max(65535).default(3700) }).default({ host: "127.0.0.1", port: 3700 }),
  /** The gateway's own public URL: the resource (RFC 8707 / RFC 9728) task tokens must name in `aud`. */
  publicUrl: z.url(),
  console: z.object({
    url: z.url().describe("The Steward console's origin"),
    token: z.string().min(1).describe("Enforcement-point token (kind mcp-gateway)"),
    /** The task-token issuer; defaults to the console URL (its AUTH_URL). */
    issuer: z.string().optional(),
    jwksUrl: z.url().optional(),
  }),
  bundle: z
    .object({
      /** Decisions fail closed when the last successful bundle check is older than this. */
      maxStaleMs: z.number().int().positive().default(60_000),
      longPollSeconds: z.number().int().min(0).max(30).default(25),
      retryMs: z.number().int().positive().default(1_000),
    })
    .default({ maxStaleMs: 60_000, longPollSeconds: 25, retryMs: 1_000 }),
  revocations: z.object({ enabled: z.boolean().default(true), longPollSeconds: z.number().int().min(0).max(30).default(25) }).default({ enabled: true, longPollSeconds: 25 }),
  spool: z
    .object({
      dir: z.string().default(".steward/gateway-spool"),
      /** Unshipped bytes allowed on disk; beyond it `whenFull` applies (and the alarm metric is 1). */
      maxBytes: z.number().int().positive().default(512 * 1024 * 1024),
      whenFull: z.enum(["fail-closed", "stop-recording"]).default("fail-closed"),
      /** "write": a call proceeds once its record is written (survives a gateway crash or SIGKILL), fdatasync every syncIntervalMs; "fsync": fdatasync before the call proceeds (survives power loss, costs ms). */
      durability: z.enum(["write", "fsync"]).default("write"),
      syncIntervalMs: z.number().int().positive().default(50),
      segmentBytes: z.number().int().positive().default(16 * 1024 * 1024),
      batchSize: z.number().int().positive().max(1000).default(500),
      shipIntervalMs: z.number().int().positive().default(200),
      maxBackoffMs: z.number().int().positive().default(30_000),
    })
    .default({ dir: ".steward/gateway-spool", maxBytes: 512 * 1024 * 1024, whenFull: "fail-closed", durability: "write", syncIntervalMs: 50, segmentBytes: 16 * 1024 * 1024, batchSize: 500, shipIntervalMs: 200, maxBackoffMs: 30_000 }),
  /** Static per-agent gateway keys: SHA-256 (hex) of the key → the agent's Steward id. */
  agentKeys: z.record(z.string().regex(/^[0-9a-f]{64}$/), z.string().min(1)).default({}),
  /** Bearer keys (SHA-256 hex) allowed to call the edge PDP (/access/v1/*). */
  pdpKeys: z.array(z.string().regex(/^[0-9a-f]{64}$/)).default([]),
  upstreams: z.array(UpstreamConfig).default([]),
  /** Credentials for upstreams registered in the console (by name): the console never holds them. */
  upstreamCredentials: z.record(z.string(), Credential).default({}),
  /** Pull the console's registered MCP servers and report status and tool catalog this often (0: never). */
  syncIntervalMs: z.number().int().min(0).default(5_000),
  maxMessageBytes: z.number().int().positive().default(4 * 1024 * 1024),
  drainMs: z.number().int().positive().default(10_000),
  /** Approval-required tool calls: how long a call is held waiting for a person (MCP clients time out at 60 s by default). */
  approvals: z.object({ holdSeconds: z.number().int().min(0).max(600).default(45) }).default({ holdSeconds: 45 }),
  logLevel: z.enum(["debug", "info", "warn", "error"]).default("info"),
});
export type GatewayConfig = z.infer<typeof GatewayConfig>;
export type GatewayConfigInput = z.input<typeof GatewayConfig>;

/** Reads STEWARD_GATEWAY_CONFIG (JSON) and the STEWARD_GATEWAY_* / STEWARD_CONSOLE_* variables; env wins. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const file = env.STEWARD_GATEWAY_CONFIG ? (JSON.parse(readFileSync(env.STEWARD_GATEWAY_CONFIG, "utf8")) as Record<string, unknown>) : {};
  const merged = structuredClone(file) as Record<string, Record<string, unknown> | unknown>;
  const section = (key: string) => ((merged[key] ??= {}) as Record<string, unknown>);
  if (env.STEWARD_GATEWAY_PUBLIC_URL) merged.publicUrl = env.STEWARD_GATEWAY_PUBLIC_URL;
  if (env.STEWARD_GATEWAY_PORT) section("listen").port = Number(env.STEWARD_GATEWAY_PORT);
  if (env.STEWARD_GATEWAY_HOST) section("listen").host = env.STEWARD_GATEWAY_HOST;
  if (env.STEWARD_CONSOLE_URL) section("console").url = env.STEWARD_CONSOLE_URL;
  if (env.STEWARD_GATEWAY_TOKEN) section("console").token = env.STEWARD_GATEWAY_TOKEN;
  if (env.STEWARD_GATEWAY_ISSUER) section("console").issuer = env.STEWARD_GATEWAY_ISSUER;
  if (env.STEWARD_GATEWAY_SPOOL_DIR) section("spool").dir = env.STEWARD_GATEWAY_SPOOL_DIR;
  if (env.STEWARD_GATEWAY_SPOOL_MAX_BYTES) section("spool").maxBytes = Number(env.STEWARD_GATEWAY_SPOOL_MAX_BYTES);
  if (env.STEWARD_GATEWAY_SPOOL_WHEN_FULL) section("spool").whenFull = env.STEWARD_GATEWAY_SPOOL_WHEN_FULL;
  if (env.STEWARD_GATEWAY_BUNDLE_MAX_STALE_MS) section("bundle").maxStaleMs = Number(env.STEWARD_GATEWAY_BUNDLE_MAX_STALE_MS);
  if (env.STEWARD_GATEWAY_APPROVAL_HOLD_SECONDS) section("approvals").holdSeconds = Number(env.STEWARD_GATEWAY_APPROVAL_HOLD_SECONDS);
  if (env.STEWARD_GATEWAY_LOG_LEVEL) merged.logLevel = env.STEWARD_GATEWAY_LOG_LEVEL;
  if (env.STEWARD_GATEWAY_UPSTREAMS) merged.upstreams = JSON.parse(env.STEWARD_GATEWAY_UPSTREAMS);
  if (env.STEWARD_GATEWAY_AGENT_KEYS) merged.agentKeys = JSON.parse(env.STEWARD_GATEWAY_AGENT_KEYS);
  return GatewayConfig.parse(merged);
}
