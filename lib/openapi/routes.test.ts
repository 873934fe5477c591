import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { API_OPERATIONS } from "./document";

/**
 * Every route file under app/ against the OpenAPI document (lib/openapi/paths/*): each documented
 * operation has a handler for its method, and each handler has an operation with the same
 * permission. Read from the sources as text (route modules need a running Next.js to import).
 */
type RouteHandler = { path: string; method: string; file: string; permission: string | null; readsQuery: boolean; readsBody: boolean };

const ROOT = process.cwd();
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/** app/api/v1/agents/[id]/route.ts → /api/v1/agents/{id}; route groups "(console)" drop out. */
function routePathOf(file: string): string {
  const segments = path.relative(path.join(ROOT, "app"), path.dirname(file)).split(path.sep);
  return "/" + segments.filter((segment) => !/^\(.*\)$/.test(segment)).map((segment) => segment.replace(/^\[(\w+)\]$/, "{$1}")).join("/");
}

function routeFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return routeFiles(full);
    return entry === "route.ts" ? [full] : [];
  });
}

/** Each exported method of a route file, with the permission its `withApi({ permission })` names (null: not through withApi). */
function handlersOf(file: string): RouteHandler[] {
  const source = readFileSync(file, "utf8");
  const out: RouteHandler[] = [];
  for (const method of METHODS) {
    const exported = new RegExp(`export (?:const ${method}\\s*=|(?:async )?function ${method}\\b|\\{[^}]*\\b${method}\\b[^}]*\\})`).exec(source);
    if (!exported) continue;
    const wrapped = new RegExp(`export const ${method}\\s*=\\s*withApi(?:<[^>]*>)?\\(\\s*\\{\\s*permission:\\s*"([\\w.]+)"`).exec(source);
    // The handler's own text: from its export to the next export (or the end of the file).
    const next = source.indexOf("\nexport ", exported.index + 1);
    const body = source.slice(exported.index, next === -1 ? undefined : next);
    out.push({ path: routePathOf(file), method: method.toLowerCase(), file: path.relative(ROOT, file), permission: wrapped?.[1] ?? null, readsQuery: /\breadQuery\(/.test(body), readsBody: /\breadJson\(/.test(body) });
  }
  return out;
}

const handlers = routeFiles(path.join(ROOT, "app")).flatMap(handlersOf);
const key = (operation: { method: string; path: string }) => `${operation.method.toUpperCase()} ${operation.path}`;

describe("routes and the OpenAPI document", () => {
  it("finds the route files (the walk itself works)", () => {
    expect(handlers.length).toBeGreaterThan(50);
    expect(handlers.find((handler) => handler.path === "/api/v1/enforcement-points/{id}/disable" && handler.method === "post")?.permission).toBe("enforcement_points.manage");
  });

  it("sends every handler through withApi, the public ones with permission \"public\"", () => {
    // No exceptions: the protocol endpoints (OAuth 2.0, RFC 8414/AuthZEN metadata, liveness and
    // readiness, next-auth) say permission "public" and keep their own error bodies (errorResponse) or
    // skip the database (startup: "skip").
    expect(handlers.filter((handler) => handler.permission === null).map((handler) => `${key(handler)} (${handler.file})`)).toEqual([]);
    const publicRoutes = handlers.filter((handler) => handler.permission === "public").map(key);
    expect(publicRoutes).toEqual(expect.arrayContaining(["GET /api/health", "GET /api/ready", "POST /oauth/token", "GET /oauth/jwks", "GET /.well-known/oauth-authorization-server", "POST /api/auth/[...nextauth]"]));
  });

  it("has a handler for every documented operation's method", () => {
    const present = new Set(handlers.map(key));
    expect(API_OPERATIONS.map(key).filter((operation) => !present.has(operation))).toEqual([]);
  });

  it("documents every handler with the permission the handler checks", () => {
    const documented = new Map(API_OPERATIONS.map((operation) => [key(operation), operation.permission as string]));
    const mismatches = handlers
      .filter((handler) => handler.path.startsWith("/api/v1/") && handler.path !== "/api/v1/openapi.json")
      .map((handler) => ({ route: key(handler), file: handler.file, handler: handler.permission, documented: documented.get(key(handler)) ?? null }))
      .filter((row) => row.handler !== row.documented);
    expect(mismatches).toEqual([]);
  });

  it("documents a query schema where the handler reads the query string, and a body schema where it reads JSON", () => {
    const operations = new Map(API_OPERATIONS.map((operation) => [key(operation), operation]));
    const mismatches = handlers
      .filter((handler) => operations.has(key(handler)))
      .map((handler) => {
        const operation = operations.get(key(handler))!;
        return { route: key(handler), readsQuery: handler.readsQuery, documentsQuery: !!operation.query, readsBody: handler.readsBody, documentsBody: !!operation.body };
      })
      .filter((row) => row.readsQuery !== row.documentsQuery || (row.readsBody && !row.documentsBody));
    expect(mismatches).toEqual([]);
  });
});
