import { randomUUID } from "node:crypto";
import postgres from "postgres";
import { describe, expect, it } from "vitest";
import { sampleDecision } from "@/lib/decisions/ingest-testing";
import { postDecisions, StewardClient, withScratchConsole } from "./lib/steward-client";

// Needs a built app (`npx next build`) and a Postgres server; runs with the kill test (STEWARD_KILL_TEST=1 DATABASE_URL=…).
describe.skipIf(!process.env.STEWARD_KILL_TEST)("ingest while the database is unreachable", () => {
  it("answers 503 with Retry-After, never a 2xx, and takes the retried batch once the database is back", async () => {
    const serverUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
    await withScratchConsole({ serverUrl, port: 3116, label: "dbloss" }, async (scratch) => {
      const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
      const name = new URL(scratch.databaseUrl).pathname.slice(1);
      const cutOff = async (allow: boolean) => {
        await admin.unsafe(`alter database ${name} allow_connections ${allow}`);
        if (!allow) await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${name}`;
      };
      try {
        const client = await StewardClient.connect(scratch.baseUrl, scratch.admin);
        const { token } = await client.enforcementPointToken({ name: "db-loss", kind: "sidecar" });
        const before = [sampleDecision({ id: randomUUID() })];
        expect((await postDecisions(scratch.baseUrl, token, before)).status).toBe(200);

        await cutOff(false);
        const batch = Array.from({ length: 20 }, () => sampleDecision({ id: randomUUID() }));
        for (let attempt = 0; attempt < 3; attempt++) {
          const response = await fetch(`${scratch.baseUrl}/api/v1/decisions`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(batch) });
          expect(response.status).toBe(503);
          expect(response.headers.get("retry-after")).toMatch(/^\d+$/);
          expect(((await response.json()) as { error: { code: string } }).error.code).toBe("unavailable");
        }
        expect((await fetch(`${scratch.baseUrl}/api/ready`)).status).toBe(503);

        await cutOff(true);
        const retried = await postDecisions(scratch.baseUrl, token, batch);
        expect(retried).toMatchObject({ status: 200, body: { accepted: 20, duplicates: 0 } });
        const check = postgres(scratch.databaseUrl, { max: 1, onnotice: () => {} });
        const [row] = await check<{ n: number }[]>`select count(*)::int as n from decisions where decision_id = any(${batch.map((item) => item.id as string)})`;
        await check.end();
        expect(row!.n).toBe(20);
      } finally {
        await cutOff(true).catch(() => {});
        await admin.end();
      }
    });
  }, 120_000);
});
