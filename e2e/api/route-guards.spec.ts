import { expect, test, type BrowserContext } from "@playwright/test";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { adminSession, apiTokenFor, consoleOrigin, newUserSession } from "../fixtures/auth";

/**
 * The route × role matrix, asserted with EXACT statuses against the tables below. The tables are
 * the contract, written by hand from the API documentation — they are not derived from the route
 * files (whose permission strings may be wrong). The source tree is read only to prove that the
 * tables cover every route, page and server action that exists, and nothing that does not.
 *
 * Probe: GET and DELETE without a body; other methods with the JSON body `{}`; `[id]` segments as
 * `sample-id` (so a permitted caller meets 404 or a validation error, never a change to real data).
 * A caller outside `who` gets exactly 403; nobody at all gets exactly 401.
 */
const ROLES = ["admin", "security", "risk", "viewer"] as const;
type Role = (typeof ROLES)[number];
const ALL: readonly Role[] = ROLES;
const ENGINEERS: readonly Role[] = ["admin", "security"];
const ADMINS: readonly Role[] = ["admin"];
const REPORTERS: readonly Role[] = ["admin", "security", "risk"];
/** Routes only enforcement points call (decision ingest, bundle pull): every person gets 403. */
const ENFORCEMENT_POINTS: readonly Role[] = [];

type Expectation = readonly [who: readonly Role[], permitted: number];

const ROUTES: Record<string, Expectation> = {
  "POST /access/v1/evaluation": [ENGINEERS, 400],
  "POST /access/v1/evaluations": [ENGINEERS, 400],
  "GET /api/v1/agents": [ALL, 200],
  "POST /api/v1/agents": [ENGINEERS, 422],
  "GET /api/v1/agents/export": [ALL, 200],
  "PUT /api/v1/agents/by-external-id/sample-id": [ENGINEERS, 422],
  "GET /api/v1/agents/sample-id": [ALL, 404],
  "PATCH /api/v1/agents/sample-id": [ENGINEERS, 404],
  "GET /api/v1/agents/sample-id/observed": [ALL, 404],
  "GET /api/v1/controls": [ALL, 200],
  "GET /api/v1/controls/mappings": [ALL, 200],
  "POST /api/v1/controls/mappings": [ENGINEERS, 422],
  "DELETE /api/v1/controls/mappings": [ENGINEERS, 400],
  "POST /api/v1/controls/sample-id/evidence": [ENGINEERS, 422],
  "GET /api/v1/decisions": [ALL, 200],
  "POST /api/v1/decisions": [ENFORCEMENT_POINTS, 0],
  "GET /api/v1/decisions/quarantine": [ALL, 200],
  "GET /api/v1/decisions/stream": [ALL, 200],
  "GET /api/v1/enforcement-points": [ALL, 200],
  "POST /api/v1/enforcement-points": [ENGINEERS, 422],
  "GET /api/v1/enforcement-points/sample-id": [ALL, 404],
  "POST /api/v1/enforcement-points/sample-id/disable": [ENGINEERS, 404],
  "POST /api/v1/enforcement-points/sample-id/enable": [ENGINEERS, 404],
  "PUT /api/v1/enforcement-points/sample-id/audiences": [ENGINEERS, 422],
  "PUT /api/v1/enforcement-points/sample-id/opa-mapping": [ENGINEERS, 404],
  "POST /api/v1/enforcement-points/sample-id/revoke": [ENGINEERS, 404],
  "POST /api/v1/enforcement-points/sample-id/rotate": [ENGINEERS, 404],
  "GET /api/v1/frameworks": [ALL, 200],
  "POST /api/v1/frameworks": [ADMINS, 422],
  "GET /api/v1/frameworks/sample-id": [ALL, 404],
  "GET /api/v1/frameworks/sample-id/alignment": [ALL, 404],
  "GET /api/v1/frameworks/sample-id/crosswalk": [ALL, 404],
  "GET /api/v1/frameworks/sample-id/mapping-collection": [ALL, 404],
  "POST /api/v1/manual-evidence/sample-id/review": [ENGINEERS, 404],
  "POST /api/v1/opa/logs": [ENFORCEMENT_POINTS, 0],
  "POST /api/v1/opa/logs/sample-id": [ENFORCEMENT_POINTS, 0],
  "GET /api/v1/people": [ALL, 200],
  "POST /api/v1/people": [ENGINEERS, 422],
  "GET /api/v1/people/export": [ALL, 200],
  "PUT /api/v1/people/by-external-id/sample-id": [ENGINEERS, 422],
  "GET /api/v1/people/sample-id": [ALL, 404],
  "PATCH /api/v1/people/sample-id": [ENGINEERS, 404],
  "GET /api/v1/policies": [ALL, 200],
  "POST /api/v1/policies": [ENGINEERS, 422],
  "PUT /api/v1/policies/sample-id": [ENGINEERS, 422],
  "DELETE /api/v1/policies/sample-id": [ENGINEERS, 422],
  "POST /api/v1/policies/approve": [ENGINEERS, 200],
  "GET /api/v1/policies/bundle": [ENFORCEMENT_POINTS, 0],
  "PUT /api/v1/policies/entities": [ADMINS, 422],
  "POST /api/v1/policies/explain": [ALL, 422],
  "POST /api/v1/policies/format": [ALL, 422],
  "POST /api/v1/policies/publish": [ENGINEERS, 422],
  "POST /api/v1/policies/replays": [ENGINEERS, 202],
  "GET /api/v1/policies/replays/sample-id": [ALL, 404],
  "POST /api/v1/policies/replays/sample-id/cancel": [ENGINEERS, 422],
  "PUT /api/v1/policies/schema": [ADMINS, 422],
  "GET /api/v1/policies/stats": [ALL, 200],
  "POST /api/v1/policies/tests": [ENGINEERS, 422],
  "PUT /api/v1/policies/tests/sample-id": [ENGINEERS, 422],
  "DELETE /api/v1/policies/tests/sample-id": [ENGINEERS, 404],
  "POST /api/v1/policies/validate": [ALL, 422],
  "GET /api/v1/policies/versions": [ALL, 200],
  "GET /api/v1/policies/versions/diff": [ALL, 400],
  "POST /api/v1/policies/versions/sample-id/rollback": [ENGINEERS, 422],
  "GET /api/v1/reports": [ALL, 200],
  "POST /api/v1/reports": [REPORTERS, 422],
  "GET /api/v1/reports/sample-id": [ALL, 404],
  "GET /api/v1/reports/sample-id/download": [REPORTERS, 404],
  "GET /api/v1/reports/sample-id/evidence/sample-id": [REPORTERS, 404],
  "GET /api/v1/reports/sample-id/verify": [ALL, 404],
  "GET /api/v1/reports/trend": [ALL, 200],
  "GET /api/v1/tokens": [ALL, 200],
  // A token never mints a token: with a session (and this console's Origin) → 422 for `{}`; with a token → 403 for everyone.
  "POST /api/v1/tokens": [ALL, 422],
  "DELETE /api/v1/tokens/sample-id": [ALL, 404],
  "GET /api/v1/users": [ADMINS, 200],
  "POST /api/v1/users": [ADMINS, 422],
  "GET /api/v1/users/sample-id": [ADMINS, 404],
  "PATCH /api/v1/users/sample-id": [ADMINS, 422],
  "POST /oauth/introspect": [ENFORCEMENT_POINTS, 0],
  "POST /api/v1/otlp/v1/logs": [ENFORCEMENT_POINTS, 0],
  "GET /api/v1/gateway/upstreams": [ENFORCEMENT_POINTS, 0],
  "GET /api/v1/gateway/trust-bundles": [ENFORCEMENT_POINTS, 0],
  "POST /api/v1/gateway/report": [ENFORCEMENT_POINTS, 0],
  "POST /api/v1/gateway/evaluation": [ENFORCEMENT_POINTS, 0],
  "POST /api/v1/agents/sample-id/revoke-tokens": [ENGINEERS, 404],
  "GET /api/v1/agents/sample-id/keys": [ALL, 200],
  "POST /api/v1/agents/sample-id/keys": [ENGINEERS, 422],
  "DELETE /api/v1/agents/sample-id/keys/sample-id": [ENGINEERS, 404],
  "GET /api/v1/tasks": [ALL, 200],
  "GET /api/v1/tasks/sample-id": [ALL, 404],
  "POST /api/v1/tasks/sample-id/end": [ENGINEERS, 404],
  "POST /api/v1/policies/versions/sample-id/approve": [ENGINEERS, 422],
  "GET /api/v1/audit/checkpoint": [ADMINS, 200],
  "POST /api/v1/audit/verify": [ADMINS, 200],
  "POST /api/v1/signing-keys/rotate": [ADMINS, 200],
  "GET /api/v1/approvals": [ALL, 200],
  "GET /api/v1/approvals/deliveries": [ALL, 200],
  "GET /api/v1/approvals/count": [ALL, 200],
  "GET /api/v1/approvals/sample-id": [ALL, 404],
  "POST /api/v1/approvals/sample-id/deny": [ALL, 404],
  "POST /api/v1/approvals/sample-id/approve": [ALL, 404],
  "GET /api/v1/approvals/webhooks": [ALL, 200],
  "POST /api/v1/approvals/webhooks": [ENGINEERS, 422],
  "DELETE /api/v1/approvals/webhooks/sample-id": [ENGINEERS, 404],
  "POST /api/v1/approvals/webhooks/sample-id/test": [ENGINEERS, 404],
  "GET /api/v1/approvals/stream": [ALL, 200],
  "POST /api/v1/events/contextforge": [ENFORCEMENT_POINTS, 0],
  "GET /api/v1/secrets": [ALL, 200],
  "POST /api/v1/secrets": [ADMINS, 422],
  "DELETE /api/v1/secrets/sample-id": [ADMINS, 404],
  "POST /api/v1/secrets/release": [ENFORCEMENT_POINTS, 0],
  "GET /api/v1/alert-rules": [ALL, 200],
  "POST /api/v1/alert-rules": [ENGINEERS, 422],
  "PATCH /api/v1/alert-rules/sample-id": [ENGINEERS, 404],
  "DELETE /api/v1/alert-rules/sample-id": [ENGINEERS, 404],
  "GET /api/v1/revocations": [ENFORCEMENT_POINTS, 0],
  "GET /api/v1/destinations": [ENGINEERS, 200],
  "POST /api/v1/destinations": [ENGINEERS, 422],
  "GET /api/v1/destinations/sample-id": [ENGINEERS, 404],
  "PATCH /api/v1/destinations/sample-id": [ENGINEERS, 404],
  "DELETE /api/v1/destinations/sample-id": [ENGINEERS, 404],
  "POST /api/v1/destinations/sample-id/resume": [ENGINEERS, 404],
  "GET /api/v1/destinations/sample-id/deliveries": [ENGINEERS, 404],
  "POST /api/v1/destinations/sample-id/test": [ENGINEERS, 404],
  "GET /api/v1/mcp-servers": [ALL, 200],
  "POST /api/v1/mcp-servers": [ENGINEERS, 422],
  "DELETE /api/v1/mcp-servers/sample-id": [ENGINEERS, 404],
  "GET /api/v1/alerts": [ALL, 200],
  "POST /api/v1/alerts/sample-id/resolve": [ENGINEERS, 404],
  "POST /api/v1/alerts/sample-id/acknowledge": [ENGINEERS, 404],
  "GET /api/v1/trust-domains": [ALL, 200],
  "POST /api/v1/trust-domains": [ADMINS, 422],
  "DELETE /api/v1/trust-domains/sample-id": [ADMINS, 404],
  "POST /access/v1/requests": [ENGINEERS, 400],
  "GET /access/v1/requests/sample-id": [ENGINEERS, 404],
  "POST /access/v1/requests/sample-id/cancel": [ENGINEERS, 404],
};
/** Called with the role's signed-in session (plus this console's Origin) instead of its token. */
const SESSION_ONLY = new Set(["POST /api/v1/tokens"]);
/** Answer without credentials, by design (liveness, sign-in, discovery documents). */
const PUBLIC_ROUTE_FILES = new Set([
  "app/api/health/route.ts",
  "app/api/ready/route.ts",
  "app/api/auth/[...nextauth]/route.ts",
  "app/api/v1/openapi.json/route.ts",
  "app/.well-known/authzen-configuration/route.ts",
  // The token service's endpoints authenticate by the credential or token they are sent (docs/identity.md).
  "app/oauth/token/route.ts",
  "app/oauth/jwks/route.ts",
  "app/oauth/revoke/route.ts",
  "app/oauth/end-task/route.ts",
  "app/.well-known/oauth-authorization-server/route.ts",
  // Every /api path no route serves: a JSON 404 for anyone (its own test below).
  "app/api/[...path]/route.ts",
]);

/** Pages: who may open them, and the exact status they get (404 for a sample id or a missing required parameter). */
const PAGES: Record<string, Expectation> = {
  "/": [ALL, 200],
  "/agents": [ALL, 200],
  "/agents/findings": [ALL, 200],
  "/agents/import": [ALL, 200],
  "/agents/mine": [ALL, 200],
  "/agents/new": [ENGINEERS, 200],
  "/agents/people": [ALL, 200],
  "/agents/sample-id": [ALL, 404],
  "/audit": [ADMINS, 200],
  "/jobs": [ADMINS, 200],
  "/change-password": [ALL, 200],
  "/decisions": [ALL, 200],
  "/decisions/explore": [ALL, 200],
  "/decisions/quarantine": [ALL, 200],
  "/decisions/trace": [ALL, 200],
  "/decisions/view": [ALL, 404],
  "/enforcement-points": [ALL, 200],
  "/frameworks": [ALL, 200],
  "/frameworks/controls": [ALL, 200],
  "/frameworks/sample-id": [ALL, 404],
  "/frameworks/sample-id/crosswalk": [ALL, 404],
  "/people": [ADMINS, 200],
  "/policies": [ALL, 200],
  "/reports": [ALL, 200],
  "/settings": [ALL, 200],
  "/identity": [ALL, 200],
  "/tasks": [ALL, 200],
  "/tasks/sample-id": [ALL, 404],
  "/approvals": [ALL, 200],
  "/mcp-servers": [ALL, 200],
  "/alerts": [ALL, 200],
  "/alerts/rules": [ALL, 200],
  "/alerts/destinations": [ENGINEERS, 200],
  "/alerts/destinations/sample-id": [ENGINEERS, 404],
};
/** Public pages and what a signed-in person gets there: sign-in sends them home, setup is gone once done. */
const PUBLIC_PAGES: Record<string, number> = { "/sign-in": 307, "/setup": 404 };

/**
 * Server actions: who may call them, and the exact outcome for the probe input `{}` — "ok", or the
 * error code (invalid_input when the input is required). Others get "forbidden", nobody gets
 * "unauthenticated".
 */
type ActionExpectation = readonly [who: readonly Role[], permitted: string];
const ACTIONS: Record<string, ActionExpectation> = {
  "app/(console)/agents/actions.ts#acceptFindingAction": [ENGINEERS, "invalid_input"],
  "app/(console)/agents/actions.ts#assignOwnershipAction": [ENGINEERS, "invalid_input"],
  "app/(console)/agents/actions.ts#attestAgentAction": [ALL, "invalid_input"],
  "app/(console)/agents/actions.ts#changeStatusAction": [ENGINEERS, "invalid_input"],
  "app/(console)/agents/actions.ts#closeCampaignAction": [ENGINEERS, "invalid_input"],
  "app/(console)/agents/actions.ts#createAgentAction": [ENGINEERS, "invalid_input"],
  "app/(console)/agents/actions.ts#createPersonAction": [ENGINEERS, "invalid_input"],
  "app/(console)/agents/actions.ts#createTeamAction": [ENGINEERS, "invalid_input"],
  "app/(console)/agents/actions.ts#importAgentsAction": [ENGINEERS, "invalid_input"],
  "app/(console)/agents/actions.ts#importPeopleAction": [ENGINEERS, "invalid_input"],
  "app/(console)/agents/actions.ts#offboardPersonAction": [ENGINEERS, "invalid_input"],
  "app/(console)/agents/actions.ts#overrideRiskAction": [ENGINEERS, "invalid_input"],
  "app/(console)/agents/actions.ts#refreshFindingsAction": [ENGINEERS, "ok"],
  "app/(console)/agents/actions.ts#resolveFindingAction": [ENGINEERS, "invalid_input"],
  "app/(console)/agents/actions.ts#startCampaignAction": [ENGINEERS, "invalid_input"],
  "app/(console)/agents/actions.ts#updateAgentDetailsAction": [ENGINEERS, "invalid_input"],
  "app/(console)/agents/actions.ts#updateScopeAction": [ENGINEERS, "invalid_input"],
  "app/(console)/audit/actions.ts#verifyAuditChainAction": [ADMINS, "ok"],
  "app/(console)/jobs/actions.ts#retryJobAction": [ADMINS, "invalid_input"],
  "app/(console)/change-password/actions.ts#changeOwnPasswordAction": [ALL, "invalid_input"],
  "app/(console)/enforcement-points/actions.ts#registerEnforcementPointAction": [ENGINEERS, "invalid_input"],
  "app/(console)/enforcement-points/actions.ts#revokeEnforcementPointTokensAction": [ENGINEERS, "invalid_input"],
  "app/(console)/enforcement-points/actions.ts#rotateEnforcementPointTokenAction": [ENGINEERS, "invalid_input"],
  "app/(console)/enforcement-points/actions.ts#setEnforcementPointEnabledAction": [ENGINEERS, "invalid_input"],
  "app/(console)/enforcement-points/actions.ts#updateAudiencesAction": [ENGINEERS, "invalid_input"],
  "app/(console)/enforcement-points/actions.ts#updateOpaMappingAction": [ENGINEERS, "invalid_input"],
  "app/(console)/mcp-servers/actions.ts#deleteMcpServerAction": [ENGINEERS, "invalid_input"],
  "app/(console)/mcp-servers/actions.ts#registerMcpServerAction": [ENGINEERS, "invalid_input"],
  "app/(console)/frameworks/actions.ts#addMappingAction": [ENGINEERS, "invalid_input"],
  "app/(console)/frameworks/actions.ts#attestEvidenceAction": [ENGINEERS, "invalid_input"],
  "app/(console)/frameworks/actions.ts#importFrameworkAction": [ADMINS, "invalid_input"],
  "app/(console)/frameworks/actions.ts#removeMappingAction": [ENGINEERS, "invalid_input"],
  "app/(console)/frameworks/actions.ts#reviewEvidenceAction": [ENGINEERS, "invalid_input"],
  "app/(console)/frameworks/actions.ts#setApplicabilityAction": [ENGINEERS, "invalid_input"],
  "app/(console)/people/actions.ts#changeUserRoleAction": [ADMINS, "invalid_input"],
  "app/(console)/people/actions.ts#createUserAction": [ADMINS, "invalid_input"],
  "app/(console)/people/actions.ts#deactivateUserAction": [ADMINS, "invalid_input"],
  "app/(console)/people/actions.ts#reactivateUserAction": [ADMINS, "invalid_input"],
  "app/(console)/people/actions.ts#resetUserPasswordAction": [ADMINS, "invalid_input"],
  "app/(console)/reports/actions.ts#createReportAction": [REPORTERS, "invalid_input"],
  "app/(console)/settings/actions.ts#createApiTokenAction": [ALL, "invalid_input"],
  "app/(console)/settings/actions.ts#revokeApiTokenAction": [ALL, "invalid_input"],
  // An empty partial update is valid and changes nothing.
  "app/(console)/settings/actions.ts#updateSettingsAction": [ADMINS, "ok"],
  // Ends the session: called last, and checked separately below.
  "app/(console)/sign-out-action.ts#signOutAction": [ALL, "redirect"],
  "app/(console)/identity/actions.ts#createTrustDomainAction": [ADMINS, "invalid_input"],
  "app/(console)/identity/actions.ts#rotateSigningKeyAction": [ADMINS, "ok"],
  "app/(console)/identity/actions.ts#saveSecretAction": [ADMINS, "invalid_input"],
  "app/(console)/tasks/actions.ts#endTaskAction": [ENGINEERS, "invalid_input"],
  "app/(console)/alerts/actions.ts#createDestinationAction": [ENGINEERS, "invalid_input"],
  "app/(console)/alerts/actions.ts#testDestinationAction": [ENGINEERS, "invalid_input"],
  "app/(console)/alerts/actions.ts#resumeDestinationAction": [ENGINEERS, "invalid_input"],
  "app/(console)/alerts/actions.ts#setDestinationEnabledAction": [ENGINEERS, "invalid_input"],
  "app/(console)/alerts/actions.ts#deleteDestinationAction": [ENGINEERS, "invalid_input"],
  "app/(console)/alerts/actions.ts#createAlertRuleAction": [ENGINEERS, "invalid_input"],
  "app/(console)/alerts/actions.ts#setAlertRuleEnabledAction": [ENGINEERS, "invalid_input"],
  "app/(console)/alerts/actions.ts#deleteAlertRuleAction": [ENGINEERS, "invalid_input"],
  "app/(console)/alerts/actions.ts#acknowledgeAlertAction": [ENGINEERS, "invalid_input"],
  "app/(console)/alerts/actions.ts#resolveAlertAction": [ENGINEERS, "invalid_input"],
};
/** Actions anyone may call (signing in, first-run setup), with the outcome for `{}`. */
const PUBLIC_ACTIONS: Record<string, string> = {
  "app/sign-in/actions.ts#signInAction": "invalid_input",
  "app/sign-in/actions.ts#ssoSignInAction": "not_found",
  "app/setup/actions.ts#setupAdminAction": "invalid_input",
};

// ——— what exists (read only to prove the tables cover it) ———

const ROOT = process.cwd();
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

function walk(dir: string, name: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : walk(full, name);
    return entry.name === name ? [path.relative(ROOT, full)] : [];
  });
}

/** app/(console)/agents/[id]/page.tsx → /agents/sample-id */
function urlFor(file: string): string {
  const segments = path
    .dirname(file)
    .split(path.sep)
    .slice(1)
    .filter((segment) => !/^\(.*\)$/.test(segment))
    .map((segment) => (segment.startsWith("[[...") ? "" : segment.startsWith("[...") ? "a/b" : segment.startsWith("[") ? "sample-id" : segment))
    .filter(Boolean);
  return `/${segments.join("/")}`;
}

function existingRoutes(): string[] {
  const found: string[] = [];
  for (const file of walk(path.join(ROOT, "app"), "route.ts")) {
    if (PUBLIC_ROUTE_FILES.has(file)) continue;
    const source = readFileSync(file, "utf8");
    for (const method of METHODS) {
      if (new RegExp(`export\\s+(const|async\\s+function|function)\\s+${method}\\b`).test(source)) found.push(`${method} ${urlFor(file)}`);
    }
  }
  return found.sort();
}

function existingPages(): string[] {
  return walk(path.join(ROOT, "app"), "page.tsx").map(urlFor).sort();
}

type ActionRef = { key: string; id: string; url: string };
function existingActions(): ActionRef[] {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, ".next/server/server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { workers: Record<string, unknown>; filename?: string; exportedName?: string }>;
  };
  return Object.entries(manifest.node).map(([id, entry]) => ({ key: `${entry.filename}#${entry.exportedName}`, id, url: urlFor(`${Object.keys(entry.workers)[0]}.tsx`) }));
}

// ——— callers ———

const base = () => test.info().project.use.baseURL!;
const hasBody = (method: string) => method !== "GET" && method !== "DELETE";

async function callWithToken(method: string, url: string, token?: string): Promise<number> {
  const response = await fetch(new URL(url, base()), {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(hasBody(method) ? { "content-type": "application/json" } : {}) },
    body: hasBody(method) ? "{}" : undefined,
    redirect: "manual",
    signal: AbortSignal.timeout(15_000),
  });
  await response.body?.cancel(); // streams (SSE) answer with headers first; the status is all we need
  return response.status;
}

/** The context's cookies as a Cookie header, so a request can be sent with exactly the headers we choose. */
async function cookieHeader(context: BrowserContext): Promise<string> {
  return (await context.cookies(base())).map((cookie) => `${cookie.name}=${cookie.value}`).join("; ");
}

/** With a session cookie; `origin` undefined → this console's, null → no Origin header at all. */
async function callWithSession(context: BrowserContext, method: string, url: string, origin?: string | null): Promise<{ status: number; body: string }> {
  const headers: Record<string, string> = { cookie: await cookieHeader(context), ...(hasBody(method) ? { "content-type": "application/json" } : {}) };
  if (origin !== null) headers.origin = origin ?? consoleOrigin();
  const response = await fetch(new URL(url, base()), { method, headers, body: hasBody(method) ? "{}" : undefined, redirect: "manual", signal: AbortSignal.timeout(15_000) });
  return { status: response.status, body: await response.text() };
}

/** Calls a server action as a browser's form would: with the session cookie and this console's Origin unless told otherwise. */
async function callAction(action: ActionRef, input: unknown, options: { context?: BrowserContext; bearer?: string; origin?: string | null } = {}): Promise<string> {
  const headers: Record<string, string> = { "next-action": action.id, "content-type": "text/plain;charset=UTF-8", accept: "text/x-component" };
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  if (options.context) {
    headers.cookie = await cookieHeader(options.context);
    if (options.origin !== null) headers.origin = options.origin ?? consoleOrigin();
  }
  const response = await fetch(new URL(action.url, base()), { method: "POST", headers, body: JSON.stringify([null, input]), redirect: "manual", signal: AbortSignal.timeout(30_000) });
  return response.text();
}

const outcome = (body: string) => /"code":"([a-z_]+)"/.exec(body)?.[1] ?? (/"ok":true/.test(body) ? "ok" : `unrecognised: ${body.slice(0, 120)}`);

// ——— the matrix ———

test.describe("every route, page and server action answers exactly as the contract tables say", () => {
  test.setTimeout(600_000);
  const sessions = new Map<Role, { context: BrowserContext; token: string }>();

  test.beforeAll(async ({ browser }) => {
    for (const role of ROLES) {
      const session = role === "admin" ? await adminSession(browser) : await newUserSession(browser, role);
      sessions.set(role, { context: session.context, token: await apiTokenFor(session.context, `guards-${role}`) });
    }
  });
  test.afterAll(async () => {
    for (const session of sessions.values()) await session.context.close();
  });

  test("the tables cover exactly what exists", () => {
    expect(existingRoutes()).toEqual(Object.keys(ROUTES).sort());
    expect(existingPages()).toEqual([...Object.keys(PAGES), ...Object.keys(PUBLIC_PAGES)].sort());
    expect(existingActions().map((action) => action.key).sort()).toEqual([...Object.keys(ACTIONS), ...Object.keys(PUBLIC_ACTIONS)].sort());
  });

  test("route handlers: nobody 401, outside the table 403, inside exactly the table's status", async () => {
    const failures: string[] = [];
    for (const [key, [who, permitted]] of Object.entries(ROUTES)) {
      const [method, url] = key.split(" ") as [string, string];
      const anonymous = await callWithToken(method, url);
      if (anonymous !== 401) failures.push(`anonymous ${key}: ${anonymous}, expected 401`);
      for (const role of ROLES) {
        const session = sessions.get(role)!;
        const status = SESSION_ONLY.has(key) ? (await callWithSession(session.context, method, url)).status : await callWithToken(method, url, session.token);
        const expected = who.includes(role) ? permitted : 403;
        if (status !== expected) failures.push(`${role} ${key}: ${status}, expected ${expected}`);
      }
    }
    expect(failures).toEqual([]);
  });

  test("an /api path no route serves is a JSON 404 for every method, signed in or not", async () => {
    const failures: string[] = [];
    for (const url of ["/api/v1/audit", "/api/v1/no-such-collection", "/api/v1/agents/sample-id/no-such-view", "/api/nothing"]) {
      for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"]) {
        for (const token of [undefined, sessions.get("admin")!.token]) {
          const response = await fetch(new URL(url, base()), { method, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(hasBody(method) ? { "content-type": "application/json" } : {}) }, body: hasBody(method) ? "{}" : undefined, redirect: "manual" });
          const body = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
          if (response.status !== 404 || body?.error?.code !== "not_found" || !body.error.message?.includes(url)) failures.push(`${token ? "admin" : "anonymous"} ${method} ${url}: ${response.status} ${response.headers.get("content-type")}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  test("a personal token cannot mint a token through the REST route, for any role", async () => {
    for (const role of ROLES) {
      const response = await fetch(new URL("/api/v1/tokens", base()), {
        method: "POST",
        headers: { authorization: `Bearer ${sessions.get(role)!.token}`, "content-type": "application/json" },
        body: JSON.stringify({ name: "minted", expiresInDays: 1 }),
      });
      expect(response.status, role).toBe(403);
      expect((await response.json()).error.message).toMatch(/signed-in browser session/);
    }
  });

  test("cookie-authenticated changes need this console's Origin; bearer requests do not", async () => {
    const admin = sessions.get("admin")!;
    const failures: string[] = [];
    for (const [key, [who, permitted]] of Object.entries(ROUTES)) {
      const [method, url] = key.split(" ") as [string, string];
      if (!who.includes("admin") || method === "GET") continue;
      for (const origin of [null, "http://127.0.0.1:1", new URL(base()).origin.replace(/:(\d+)$/, (_m, port: string) => `:${Number(port) + 1}`), "null", "https://evil.example"]) {
        const { status, body } = await callWithSession(admin.context, method, url, origin);
        if (status !== 403 || !/Origin|may not change/i.test(body)) failures.push(`${key} with Origin ${origin}: ${status}`);
      }
      const same = await callWithSession(admin.context, method, url);
      if (same.status !== permitted) failures.push(`${key} with this console's Origin: ${same.status}, expected ${permitted}`);
    }
    expect(failures).toEqual([]);
    // The same change by bearer token needs no Origin.
    expect(await callWithToken("POST", "/api/v1/enforcement-points/sample-id/disable", admin.token)).toBe(404);
  });

  test("pages: nobody goes to sign-in, outside the table 403, inside exactly the table's status", async () => {
    const failures: string[] = [];
    for (const [url, [who, permitted]] of Object.entries(PAGES)) {
      const anonymous = await fetch(new URL(url, base()), { redirect: "manual" });
      const location = anonymous.headers.get("location") ?? "";
      if (anonymous.status !== 307 || !location.startsWith("/sign-in?callbackUrl=%2F")) failures.push(`anonymous ${url}: ${anonymous.status} → ${location}`);
      for (const role of ROLES) {
        const status = (await sessions.get(role)!.context.request.get(url, { maxRedirects: 0 })).status();
        const expected = who.includes(role) ? permitted : 403;
        if (status !== expected) failures.push(`${role} ${url}: ${status}, expected ${expected}`);
      }
    }
    for (const [url, signedIn] of Object.entries(PUBLIC_PAGES)) {
      for (const role of ROLES) {
        const status = (await sessions.get(role)!.context.request.get(url, { maxRedirects: 0 })).status();
        if (status !== signedIn) failures.push(`${role} ${url}: ${status}, expected ${signedIn}`);
      }
    }
    expect(failures).toEqual([]);
  });

  test("server actions: nobody unauthenticated, outside the table forbidden, inside exactly the table's outcome", async () => {
    const actions = new Map(existingActions().map((action) => [action.key, action]));
    const failures: string[] = [];
    for (const [key, [who, permitted]] of Object.entries(ACTIONS)) {
      if (key.endsWith("#signOutAction")) continue;
      const action = actions.get(key)!;
      const anonymous = outcome(await callAction(action, {}));
      if (anonymous !== "unauthenticated") failures.push(`anonymous ${key}: ${anonymous}`);
      for (const role of ROLES) {
        const got = outcome(await callAction(action, {}, { context: sessions.get(role)!.context }));
        const expected = who.includes(role) ? permitted : "forbidden";
        if (got !== expected) failures.push(`${role} ${key}: ${got}, expected ${expected}`);
      }
      // Without any Origin header, a cookie-authenticated action is refused before it runs (CSRF).
      if (who.includes("admin")) {
        const body = await callAction(action, {}, { context: sessions.get("admin")!.context, origin: null });
        if (outcome(body) !== "forbidden" || !/Origin/.test(body)) failures.push(`admin ${key} without Origin: ${outcome(body)}`);
      }
    }
    for (const [key, expected] of Object.entries(PUBLIC_ACTIONS)) {
      const got = outcome(await callAction(actions.get(key)!, {}));
      if (got !== expected) failures.push(`anonymous ${key}: ${got}, expected ${expected}`);
    }
    expect(failures).toEqual([]);
  });

  test("server actions that mint tokens, change passwords or roles refuse a bearer token, even beside a session cookie", async () => {
    const actions = new Map(existingActions().map((action) => [action.key, action]));
    const admin = sessions.get("admin")!;
    const before = (await (await fetch(new URL("/api/v1/tokens", base()), { headers: { authorization: `Bearer ${admin.token}` } })).json()).tokens.length as number;
    const users = (await (await fetch(new URL("/api/v1/users", base()), { headers: { authorization: `Bearer ${admin.token}` } })).json()).users as { id: string; role: string }[];
    const target = users.find((user) => user.role === "viewer")!;
    const cases: [string, unknown][] = [
      ["app/(console)/settings/actions.ts#createApiTokenAction", { name: "minted-by-token", expiresInDays: 1 }],
      ["app/(console)/people/actions.ts#changeUserRoleAction", { userId: target.id, role: "admin" }],
      ["app/(console)/people/actions.ts#resetUserPasswordAction", { userId: target.id }],
      ["app/(console)/change-password/actions.ts#changeOwnPasswordAction", { currentPassword: "e2e-admin-password-1", newPassword: "taken over by a token", confirmPassword: "taken over by a token" }],
    ];
    for (const [key, input] of cases) {
      const action = actions.get(key)!;
      for (const options of [{ bearer: admin.token }, { bearer: admin.token, context: admin.context }]) {
        const body = await callAction(action, input, options);
        expect(outcome(body), `${key} ${options.context ? "token + cookie" : "token"}`).toBe("forbidden");
        expect(body).toMatch(/signed-in browser session/);
      }
    }
    const after = (await (await fetch(new URL("/api/v1/tokens", base()), { headers: { authorization: `Bearer ${admin.token}` } })).json()).tokens.length as number;
    expect(after).toBe(before);
    const again = (await (await fetch(new URL(`/api/v1/users/${target.id}`, base()), { headers: { authorization: `Bearer ${admin.token}` } })).json()).user;
    expect(again.role).toBe("viewer");
  });

  test("signing out ends the session for every copy of the cookie (runs last)", async () => {
    const actions = new Map(existingActions().map((action) => [action.key, action]));
    const viewer = sessions.get("viewer")!;
    const cookies = await viewer.context.cookies();
    const copy = await viewer.context.browser()!.newContext();
    await copy.addCookies(cookies);
    expect((await copy.request.get("/settings", { maxRedirects: 0 })).status()).toBe(200);
    await callAction(actions.get("app/(console)/sign-out-action.ts#signOutAction")!, {}, { context: viewer.context });
    expect((await copy.request.get("/settings", { maxRedirects: 0 })).status()).toBe(307);
    expect((await copy.request.get("/api/v1/tokens")).status()).toBe(401);
    await copy.close();
  });
});
