import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "../document";

/** Route folders under app/ → OpenAPI paths ([id] → {id}). */
function routePaths(dir: string, prefix: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (!statSync(full).isDirectory()) continue;
    const segment = entry.replace(/^\[(\w+)\]$/, "{$1}");
    const here = `${prefix}/${segment}`;
    if (readdirSync(full).includes("route.ts")) out.push(here);
    out.push(...routePaths(full, here));
  }
  return out;
}

describe("approvals API description", () => {
  it("documents every approvals and access-request route, with its permission", () => {
    const document = buildOpenApiDocument("http://localhost");
    const paths = document.paths as Record<string, Record<string, { "x-steward-permission"?: string }>>;
    const routes = [...routePaths(path.join(process.cwd(), "app/api/v1/approvals"), "/api/v1/approvals"), "/api/v1/approvals", ...routePaths(path.join(process.cwd(), "app/access/v1/requests"), "/access/v1/requests"), "/access/v1/requests"];
    for (const route of routes) expect(paths[route], route).toBeDefined();
    expect(paths["/access/v1/requests"]?.post?.["x-steward-permission"]).toBe("approvals.request");
    expect(paths["/api/v1/approvals/{id}/approve"]?.post?.["x-steward-permission"]).toBe("approvals.decide");
  });
});
