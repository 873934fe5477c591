import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

/**
 * The walls of docs/architecture.md as eslint.config.mjs holds them: lib/ builds no queries and
 * holds no raw client, with no file excused (the old LIB_QUERIES_NOT_MOVED_YET list is gone).
 * Lints snippets as if they sat at real paths, so a rule that stops firing fails here.
 */
const ROOT = process.cwd();
const eslint = new ESLint({ cwd: ROOT });

async function ruleIds(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, filePath) });
  return result!.messages.map((message) => message.ruleId ?? message.message);
}

function libSources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return libSources(full);
    return /\.tsx?$/.test(entry) && !/\.test\.tsx?$/.test(entry) ? [path.relative(ROOT, full)] : [];
  });
}

describe("the lint walls of lib/", () => {
  it("refuses drizzle-orm, the schema and the raw client in a lib/ module", async () => {
    expect(await ruleIds("lib/approvals/events.ts", 'import { sql } from "drizzle-orm";\nexport const q = sql`select 1`;\n')).toContain("no-restricted-imports");
    expect(await ruleIds("lib/frameworks/read-frameworks.ts", 'import { teams } from "@/db/schema";\nexport const t = teams;\n')).toContain("no-restricted-imports");
    expect(await ruleIds("lib/gateway/schemas.ts", 'import { MCP_TRANSPORTS } from "@/db/schema/gateway";\nexport const m = MCP_TRANSPORTS;\n')).toContain("no-restricted-imports");
    expect(await ruleIds("lib/identity/revocation-feed.ts", "declare const handle: { sql?: { listen(c: string): void } };\nhandle.sql?.listen(\"c\");\n")).toContain("no-restricted-syntax");
    expect(await ruleIds("lib/identity/revocation-feed.ts", "declare const handle: { pglite?: { listen(c: string): void } };\nhandle.pglite?.listen(\"c\");\n")).toContain("no-restricted-syntax");
    // The sanctioned ways stay allowed.
    expect(await ruleIds("lib/gateway/schemas.ts", 'import { MCP_TRANSPORTS } from "@/db/enums";\nexport const m = MCP_TRANSPORTS;\n')).toEqual([]);
  });

  it("excuses no lib/ module: every one gets the no-queries rule", async () => {
    const files = libSources(path.join(ROOT, "lib"));
    expect(files.length).toBeGreaterThan(100);
    const excused: string[] = [];
    for (const file of files) {
      const config = (await eslint.calculateConfigForFile(path.join(ROOT, file))) as { rules?: Record<string, unknown> };
      const rule = JSON.stringify(config.rules?.["no-restricted-imports"] ?? null);
      if (!rule.includes("drizzle-orm") || !rule.includes("@/db/schema")) excused.push(file);
    }
    expect(excused).toEqual([]);
  });
});

describe("the lint walls of db/", () => {
  it("refuses Next.js, React, app/ and components/ in a db/ module, and lets drizzle and the schema in", async () => {
    expect(await ruleIds("db/agents.ts", 'import { headers } from "next/headers";\nexport const h = headers;\n')).toContain("no-restricted-imports");
    expect(await ruleIds("db/agents.ts", 'import { cache } from "react";\nexport const c = cache;\n')).toContain("no-restricted-imports");
    expect(await ruleIds("db/agents.ts", 'import { requirePageActor } from "@/app/_server/page-guard";\nexport const r = requirePageActor;\n')).toContain("no-restricted-imports");
    expect(await ruleIds("db/agents.ts", 'import { sql } from "drizzle-orm";\nimport { agents } from "./schema";\nexport const q = [sql`select 1`, agents];\n')).toEqual([]);
  });
});

describe("the lint walls of components/", () => {
  it("lets only an area's api.ts call the API client, and components import only types from lib/", async () => {
    const call = 'import { apiRequest } from "@/components/api/request";\nexport const load = () => apiRequest<{ n: number }>("/api/v1/x");\n';
    expect(await ruleIds("components/policies/versions-panel.tsx", call)).toContain("no-restricted-imports");
    expect(await ruleIds("components/policies/api.ts", call)).toEqual([]);
    expect(await ruleIds("components/policies/api.ts", 'import { getDraft } from "@/lib/policies/versions";\nexport const g = getDraft;\n')).toContain("no-restricted-imports");
    expect(await ruleIds("components/policies/api.ts", 'import type { PolicyResponses } from "@/lib/policies/api-contract";\nexport type D = PolicyResponses["draft"];\n')).toEqual([]);
  });
});
