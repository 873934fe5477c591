import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { exportJWK, generateKeyPair, SignJWT, type JWK } from "jose";
import { openTestDatabase } from "@/testing/database";
import { requirePermission } from "@/lib/auth/require-permission";
import { handleIngestRequest } from "@/lib/decisions/ingest-request";
import { authenticateEnforcementPointToken } from "@/lib/enforcement-points/authenticate-enforcement-point-token";
import { registerEnforcementPoint } from "@/lib/enforcement-points/register-enforcement-point";
import { newId } from "@/lib/ids";
import { savePolicy, updateSchema } from "@/lib/policies/draft";
import { publishDraft } from "@/lib/policies/publish";
import { etagMatches, waitForPolicyBundle } from "@/lib/policies/versions";
import { userContext } from "@/testing/context";
import { StewardError } from "@/lib/errors";
import { listMcpServersForGateway, recordGatewayReport } from "@/lib/gateway/mcp-servers";
import { AccessRequestProblem, cancelAccessRequest, getTaskStatus, submitAccessRequest } from "@/lib/approvals/access-requests";
import { evaluateForGateway } from "@/lib/policies/authzen";
import { trustBundlesAnswer } from "@/lib/identity/gateway-trust";
import { getDb } from "@/db/client";
import { publishedJwks } from "@/lib/identity/signing-keys";
import { releaseSecret } from "@/lib/identity/secret-store";
import { waitForRevocations } from "@/lib/identity/revocation-feed";

/**
 * The console side of the gateway tests, over real HTTP on loopback: the same lib functions the
 * console's routes call (EP-token authentication, GET /api/v1/policies/bundle with ETag/304,
 * POST /api/v1/decisions ingest with its dedup, POST /api/v1/secrets/release) against a real test
 * database. The JWKS holds the console's own signing keys (tokens from lib's token exchange) and
 * keys the test mints tokens with; the revocation feed is a test-driven one, or the console's own
 * (`revocationSource = "console"`).
 * Route modules themselves need Next.js at import time, which vitest cannot load.
 */
export class ConsoleHarness {
  database!: Awaited<ReturnType<typeof openTestDatabase>>;
  epToken = "";
  epId = "";
  private http: Server | null = null;
  keys: { kid: string; privateKey: CryptoKey; jwk: JWK }[] = [];
  revocationFeed: { cursor: string; revoked: { jti: string; exp: number }[]; endedTasks: { taskId: string; exp: number }[]; revokedAgents: { agentId: string; revokedAt?: number; exp?: number }[] } = { cursor: "0", revoked: [], endedTasks: [], revokedAgents: [] };
  /** Policy name (as the test calls it) → the id the console gave it. */
  policyIds: Record<string, string> = {};
  ingestRequests = 0;
  gatewayEvaluations = 0;
  jwksRequests = 0;
  trustBundleRequests = 0;
  secretReleaseRequests = 0;
  /** "test": serve `revocationFeed` as set by the test; "console": the console's revocation feed (lib/identity/revocation-feed.ts). */
  revocationSource: "test" | "console" = "test";

  constructor(readonly port: number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** `audiences`: the resource URIs the gateway's enforcement point serves (the secret store releases only for tokens issued for them). */
  static async open(port: number, options: { audiences?: string[] } = {}): Promise<ConsoleHarness> {
    const harness = new ConsoleHarness(port);
    harness.database = await openTestDatabase();
    const { enforcementPoint, token } = await registerEnforcementPoint({ ctx: userContext("admin"), input: { name: `gw-${newId("t").slice(-8)}`, kind: "mcp-gateway", audiences: options.audiences ?? [] } });
    harness.epToken = token;
    harness.epId = enforcementPoint.id;
    await harness.addSigningKey();
    await harness.start();
    return harness;
  }

  async addSigningKey(): Promise<string> {
    const { privateKey, publicKey } = await generateKeyPair("ES256");
    const kid = newId("kid");
    this.keys.push({ kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" } });
    return kid;
  }

  /** A task token as the identity branch issues it (RFC 9068, ES256). */
  async mintTaskToken(claims: { sub: string; aud: string | string[]; scope?: string; task_id?: string; purpose?: string; act?: unknown; client_id?: string; expiresInS?: number; iat?: number; jti?: string; kid?: string; typ?: string; iss?: string }): Promise<string> {
    const key = claims.kid ? this.keys.find((candidate) => candidate.kid === claims.kid)! : this.keys.at(-1)!;
    const iat = claims.iat ?? Math.floor(Date.now() / 1000);
    return new SignJWT({ scope: claims.scope ?? "read_file delete_file echo call_tool read", task_id: claims.task_id ?? newId("tsk"), purpose: claims.purpose ?? "testing", client_id: claims.client_id ?? `client-${claims.sub}`, ...(claims.act ? { act: claims.act } : {}) })
      .setProtectedHeader({ alg: "ES256", typ: claims.typ ?? "at+jwt", kid: key.kid })
      .setIssuer(claims.iss ?? this.url)
      .setSubject(claims.sub)
      .setAudience(claims.aud)
      .setIssuedAt(iat)
      .setExpirationTime(iat + (claims.expiresInS ?? 600))
      .setJti(claims.jti ?? newId("jti"))
      .sign(key.privateKey);
  }

  /** Replaces the draft with these policies (and schema) and publishes it. */
  async publish(policies: Record<string, string>, schemaText?: string): Promise<void> {
    const ctx = userContext("admin");
    if (schemaText) await updateSchema({ ctx, input: { schemaText } });
    const { listDraftPolicies } = await import("@/db/policies");
    const { deletePolicy } = await import("@/lib/policies/draft");
    for (const row of await listDraftPolicies(this.database.db)) await deletePolicy({ ctx, input: { id: row.id } });
    for (const [name, source] of Object.entries(policies)) {
      const { policy } = await savePolicy({ ctx, input: { source, description: name } });
      this.policyIds[name] = policy.id;
    }
    await publishDraft({ ctx, input: { message: `test ${Date.now()}` } });
  }

  async start(): Promise<void> {
    if (this.http) return;
    this.http = createServer((req, res) => void this.route(req, res));
    await new Promise<void>((resolve) => this.http!.listen(this.port, "127.0.0.1", resolve));
  }

  /** Takes the console off the network (connections refused) until start() again. */
  async stop(): Promise<void> {
    const http = this.http;
    this.http = null;
    if (!http) return;
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  }

  async close(): Promise<void> {
    await this.stop();
    await this.database?.close();
  }

  /** Decision ids stored for this EP. */
  async storedDecisionIds(): Promise<string[]> {
    return (await this.storedDecisions()).map((row) => row.decisionId);
  }

  /** The decisions the console stored for this gateway's EP (what an operator would read in the explorer). */
  async storedDecisions() {
    const { decisions } = await import("@/db/schema");
    const { eq } = await import("drizzle-orm");
    return this.database.db.select().from(decisions).where(eq(decisions.enforcementPointId, this.epId));
  }

  /** Every secret release the console recorded (secret_releases: what the task and agent pages show). */
  async secretReleaseRows() {
    const { secretReleases } = await import("@/db/schema");
    return this.database.db.select().from(secretReleases);
  }

  /** An agent's inventory status and the identities registered on it (what the Agents page reads). */
  async agentWithIdentities(agentId: string) {
    const { agents, agentIdentities } = await import("@/db/schema");
    const { eq } = await import("drizzle-orm");
    const [agent] = await this.database.db.select({ id: agents.id, status: agents.status }).from(agents).where(eq(agents.id, agentId));
    const identities = await this.database.db.select({ kind: agentIdentities.kind, value: agentIdentities.value }).from(agentIdentities).where(eq(agentIdentities.agentId, agentId));
    return agent ? { ...agent, identities } : null;
  }

  /** Every access request the console holds (what the Approvals inbox reads). */
  async accessRequestRows() {
    const { accessRequests } = await import("@/db/schema");
    return this.database.db.select().from(accessRequests);
  }

  /** A person (a security engineer, by default) approves or denies an access request, as from the inbox. */
  async decideAccessRequest(id: string, decision: "approve" | "deny", role: "security" | "admin" = "security") {
    const { decideAccessRequest } = await import("@/lib/approvals/access-requests");
    return decideAccessRequest({ ctx: userContext(role), id, decision, input: { comment: `${decision} from the test` }, origin: { base: this.url } });
  }

  /** The console's tool catalog for one MCP server, and the status the gateway last reported. */
  async catalogAndStatus(server: string) {
    const { gatewayStatus, mcpTools } = await import("@/db/schema");
    const { eq } = await import("drizzle-orm");
    const catalog = await this.database.db.select().from(mcpTools).where(eq(mcpTools.server, server));
    const [status] = await this.database.db.select().from(gatewayStatus).where(eq(gatewayStatus.enforcementPointId, this.epId));
    return { catalog, status };
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(body === null ? undefined : JSON.stringify(body));
    };
    try {
      if (url.pathname === "/oauth/jwks") {
        this.jwksRequests++;
        return send(200, { keys: [...this.keys.map((key) => key.jwk), ...(await publishedJwks()).keys] });
      }
      const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? "")?.[1];
      const actor = token ? await authenticateEnforcementPointToken(token) : null;
      if (!actor) return send(401, { error: { code: "unauthorized" } });
      // The routes answer a missing permission with 403 (withApi → StewardError "forbidden").
      const ctx = { actor, requestId: newId("req"), ip: "127.0.0.1" };
      if (url.pathname === "/api/v1/policies/bundle") {
        requirePermission(actor, "policies.bundle");
        const ifNoneMatch = req.headers["if-none-match"] ?? null;
        const abort = new AbortController();
        res.on("close", () => abort.abort());
        const bundle = await waitForPolicyBundle({ ctx, ifNoneMatch, waitSeconds: Number(url.searchParams.get("wait") ?? 0), signal: abort.signal });
        if (!bundle) return send(404, { error: { code: "not_found" } });
        if (etagMatches(ifNoneMatch, bundle.etag)) return send(304, null, { etag: bundle.etag });
        return send(200, bundle, { etag: bundle.etag });
      }
      if (url.pathname === "/api/v1/decisions" && req.method === "POST") {
        this.ingestRequests++;
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const request = new Request(`${this.url}/api/v1/decisions`, { method: "POST", headers: { "content-type": req.headers["content-type"] ?? "application/json" }, body: new Uint8Array(Buffer.concat(chunks)) });
        const { status, body } = await handleIngestRequest(request, ctx);
        return send(status, body);
      }
      if (url.pathname === "/api/v1/revocations" && this.revocationSource === "console") {
        const abort = new AbortController();
        res.on("close", () => abort.abort());
        const after = url.searchParams.get("after");
        return send(200, await waitForRevocations(await getDb(), after ? Number(after) : null, Number(url.searchParams.get("wait") ?? 0), abort.signal));
      }
      if (url.pathname === "/api/v1/revocations") return send(200, this.revocationFeed);
      // The route passes requestIssuer(request): the console's own origin, which is this harness's URL.
      if (url.pathname === "/api/v1/secrets/release" && req.method === "POST") {
        this.secretReleaseRequests++;
        return send(200, await releaseSecret({ ctx, input: await jsonOf(req), issuer: this.url }));
      }
      if (url.pathname === "/api/v1/gateway/upstreams") return send(200, { upstreams: await listMcpServersForGateway({ ctx }) });
      if (url.pathname === "/api/v1/gateway/trust-bundles") {
        this.trustBundleRequests++;
        const answer = await trustBundlesAnswer({ ctx, ifNoneMatch: typeof req.headers["if-none-match"] === "string" ? req.headers["if-none-match"] : null });
        res.writeHead(answer.status, { etag: answer.etag, ...(answer.body ? { "content-type": "application/json" } : {}) });
        return void res.end(answer.body ?? undefined);
      }
      if (url.pathname === "/api/v1/gateway/report" && req.method === "POST") {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        return send(200, await recordGatewayReport({ ctx, input: JSON.parse(Buffer.concat(chunks).toString("utf8")) }));
      }
      // Approvals (gateway/approvals.ts): the console's gateway evaluation and the profile's access request endpoints.
      if (url.pathname === "/api/v1/gateway/evaluation" && req.method === "POST") {
        this.gatewayEvaluations++;
        return send(200, await evaluateForGateway({ ctx, body: await jsonOf(req), origin: this.url }));
      }
      if (url.pathname === "/access/v1/requests" && req.method === "POST") {
        const idempotencyKey = req.headers["idempotency-key"];
        const { handle, created } = await submitAccessRequest({ ctx, body: await jsonOf(req), idempotencyKey: typeof idempotencyKey === "string" ? idempotencyKey : null, origin: { base: this.url } });
        return send(created ? 202 : 200, handle, { location: handle.task.status_endpoint });
      }
      const task = /^\/access\/v1\/requests\/([^/]+)$/.exec(url.pathname);
      if (task && req.method === "GET") {
        const abort = new AbortController();
        res.on("close", () => abort.abort());
        const { handle } = await getTaskStatus({ ctx, id: decodeURIComponent(task[1]!), waitSeconds: Number(url.searchParams.get("wait") ?? 0), origin: { base: this.url }, signal: abort.signal });
        return send(200, handle);
      }
      const cancel = /^\/access\/v1\/requests\/([^/]+)\/cancel$/.exec(url.pathname);
      if (cancel && req.method === "POST") {
        return send(200, await cancelAccessRequest({ ctx, id: decodeURIComponent(cancel[1]!), origin: { base: this.url } }));
      }
      return send(404, { error: { code: "not_found" } });
    } catch (error) {
      if (error instanceof AccessRequestProblem) return send(error.status, { type: error.type, detail: error.detail });
      if (error instanceof StewardError) return send(error.status, { error: { code: error.code, message: error.message } });
      return send(500, { error: { code: "internal", message: (error as Error).message } });
    }
  }
}

async function jsonOf(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}
