import { expect, test, type BrowserContext } from "@playwright/test";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import type { Actor } from "@/lib/auth/actor";
import { hasPermission, type AnyPermission } from "@/lib/auth/require-permission";
import { ROLES, type Role } from "@/lib/auth/permissions";
import { adminSession, apiTokenFor, newUserSession } from "../fixtures/auth";

/**
 * Enumerates every route handler, page and server action from the source tree and the build (not a
 * hand-picked list) and proves: anonymous → 401 (pages → sign-in), a role without the permission →
 * 403, a role with it → neither. Only the files in PUBLIC may skip the guard.
 */
const ROOT = process.cwd();
const PUBLIC_ROUTES = new Set(["app/api/health/route.ts", "app/api/ready/route.ts", "app/api/auth/[...nextauth]/route.ts", "app/api/v1/openapi.json/route.ts", "app/.well-known/authzen-configuration/route.ts",
  // The token service's endpoints authenticate by the credential or token they are sent (docs/identity.md).
  "app/oauth/token/route.ts", "app/oauth/jwks/route.ts", "app/oauth/revoke/route.ts", "app/oauth/end-task/route.ts", "app/.well-known/oauth-authorization-server/route.ts"]);
const PUBLIC_PAGES = new Set(["app/sign-in/page.tsx", "app/setup/page.tsx"]);
const PUBLIC_ACTION_FILES = new Set(["app/sign-in/actions.ts", "app/setup/actions.ts"]);
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
/** Minting a token needs a signed-in session (a leaked token must not mint more): checked with cookies. */
const SESSION_ONLY = new Set(["POST /api/v1/tokens"]);

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

type GuardedRoute = { file: string; url: string; method: (typeof METHODS)[number]; permission: AnyPermission };

function routeHandlers(): GuardedRoute[] {
  const routes: GuardedRoute[] = [];
  for (const file of walk(path.join(ROOT, "app"), "route.ts")) {
    const source = readFileSync(file, "utf8");
    const exported = new Set<string>();
    for (const match of source.matchAll(/export\s+(?:async\s+)?function\s+([A-Z]+)\b/g)) exported.add(match[1]!);
    for (const match of source.matchAll(/export\s+const\s+([A-Z]+)\s*=/g)) exported.add(match[1]!);
    for (const match of source.matchAll(/export\s+const\s+\{([^}]+)\}\s*=/g)) match[1]!.split(",").forEach((name) => exported.add(name.trim()));
    for (const method of METHODS) {
      if (!exported.has(method)) continue;
      const guarded = new RegExp(`export\\s+const\\s+${method}\\s*=\\s*withApi(?:<[^>]*>)?\\(\\s*\\{\\s*permission:\\s*"([^"]+)"`).exec(source);
      if (!guarded) {
        expect(PUBLIC_ROUTES.has(file), `${method} in ${file} does not go through withApi and is not declared public`).toBe(true);
        continue;
      }
      routes.push({ file, url: urlFor(file), method, permission: guarded[1] as AnyPermission });
    }
  }
  return routes;
}

function pages(): { file: string; url: string; permission: AnyPermission }[] {
  return walk(path.join(ROOT, "app"), "page.tsx")
    .filter((file) => !PUBLIC_PAGES.has(file))
    .map((file) => {
      const guard = /^\s*(?:const\s+[^=]+=\s*)?await requirePageActor\("([^"]+)"/m.exec(readFileSync(file, "utf8"));
      expect(guard, `${file} must call requirePageActor(...) first`).not.toBeNull();
      return { file, url: urlFor(file), permission: guard![1] as AnyPermission };
    });
}

type ServerAction = { id: string; file: string; name: string; url: string; permission: AnyPermission | "public" };

function serverActions(): ServerAction[] {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, ".next/server/server-reference-manifest.json"), "utf8")) as {
    node: Record<string, { workers: Record<string, unknown>; filename?: string; exportedName?: string }>;
  };
  return Object.entries(manifest.node).map(([id, entry]) => {
    expect(entry.filename && entry.exportedName, `action ${id} has no source in the manifest`).toBeTruthy();
    const file = entry.filename!;
    const source = readFileSync(path.join(ROOT, file), "utf8");
    const guarded = new RegExp(`export\\s+const\\s+${entry.exportedName}\\s*=\\s*action\\(\\s*"([^"]+)"`).exec(source);
    const isPublic = new RegExp(`export\\s+const\\s+${entry.exportedName}\\s*=\\s*publicAction\\(`).test(source);
    expect(guarded || (isPublic && PUBLIC_ACTION_FILES.has(file)), `${entry.exportedName} in ${file} is not wrapped by action("permission", …)`).toBeTruthy();
    const worker = Object.keys(entry.workers)[0]!;
    return { id, file, name: entry.exportedName!, url: urlFor(`${worker}.tsx`), permission: guarded ? (guarded[1] as AnyPermission) : "public" };
  });
}

const asUser = (role: Role): Actor => ({ type: "user", userId: "usr_x", email: "x@example.test", role, via: "token" });

async function callRoute(route: GuardedRoute, token?: string, session?: BrowserContext): Promise<number> {
  if (session) {
    const response = await session.request.fetch(route.url, { method: route.method, data: route.method === "GET" || route.method === "DELETE" ? undefined : {}, maxRedirects: 0 });
    return response.status();
  }
  const response = await fetch(new URL(route.url, test.info().project.use.baseURL), {
    method: route.method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(route.method === "GET" ? {} : { "content-type": "application/json" }) },
    body: route.method === "GET" || route.method === "DELETE" ? undefined : "{}",
    redirect: "manual",
    signal: AbortSignal.timeout(15_000),
  });
  await response.body?.cancel(); // streams (SSE) answer with headers first; the status is all we need
  return response.status;
}

async function callAction(context: BrowserContext | null, action: ServerAction): Promise<string> {
  const headers = { "next-action": action.id, "content-type": "text/plain;charset=UTF-8", accept: "text/x-component" };
  const url = new URL(action.url, test.info().project.use.baseURL).toString();
  if (context) return (await context.request.post(url, { headers, data: JSON.stringify([null, {}]) })).text();
  const response = await fetch(url, { method: "POST", headers, body: JSON.stringify([null, {}]) });
  return response.text();
}

test.describe("every route, page and server action checks identity and role on the server", () => {
  test.setTimeout(300_000);
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

  test("route handlers: anonymous 401, missing permission 403", async () => {
    const routes = routeHandlers();
    expect(routes.length).toBeGreaterThan(5);
    for (const route of routes) {
      expect(await callRoute(route), `anonymous ${route.method} ${route.url}`).toBe(401);
      for (const role of ROLES) {
        const session = sessions.get(role)!;
        const status = SESSION_ONLY.has(`${route.method} ${route.url}`) ? await callRoute(route, undefined, session.context) : await callRoute(route, session.token);
        const label = `${role} ${route.method} ${route.url} (${route.permission})`;
        if (hasPermission(asUser(role), route.permission)) expect([401, 403], label).not.toContain(status);
        else expect(status, label).toBe(403);
      }
    }
  });

  test("pages: anonymous goes to sign-in, missing permission 403", async () => {
    const list = pages();
    expect(list.length).toBeGreaterThan(5);
    for (const page of list) {
      const anonymous = await fetch(new URL(page.url, test.info().project.use.baseURL), { redirect: "manual" });
      expect(anonymous.status, `anonymous ${page.url}`).toBe(307);
      expect(anonymous.headers.get("location"), `anonymous ${page.url}`).toContain("/sign-in?callbackUrl=");
      for (const role of ROLES) {
        const status = (await sessions.get(role)!.context.request.get(page.url, { maxRedirects: 0 })).status();
        const label = `${role} ${page.url} (${page.permission})`;
        if (hasPermission(asUser(role), page.permission)) expect([200, 404], label).toContain(status);
        else expect(status, label).toBe(403);
      }
    }
  });

  test("server actions: anonymous unauthenticated, missing permission forbidden; viewer and risk change nothing", async () => {
    // Signing out ends the session the remaining calls use, so it goes last.
    const actions = serverActions().sort((a, b) => Number(a.name === "signOutAction") - Number(b.name === "signOutAction"));
    expect(actions.length).toBeGreaterThan(5);
    for (const action of actions) {
      if (action.permission === "public") continue;
      expect(await callAction(null, action), `anonymous ${action.name}`).toContain('"code":"unauthenticated"');
      for (const role of ROLES) {
        const body = await callAction(sessions.get(role)!.context, action);
        const label = `${role} ${action.name} (${action.permission})`;
        if (hasPermission(asUser(role), action.permission)) {
          expect(body, label).not.toContain('"code":"forbidden"');
          expect(body, label).not.toContain('"code":"unauthenticated"');
        } else expect(body, label).toContain('"code":"forbidden"');
      }
    }
  });
});

test("a personal token cannot mint another token", async ({ browser }) => {
  const { context } = await adminSession(browser);
  const token = await apiTokenFor(context, "no-minting");
  const response = await fetch(new URL("/api/v1/tokens", test.info().project.use.baseURL), {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "minted", expiresInDays: 1 }),
  });
  expect(response.status).toBe(403);
  expect((await response.json()).error.message).toMatch(/signed-in session/);
  await context.close();
});
