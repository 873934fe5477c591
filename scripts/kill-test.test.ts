import { describe, expect, it } from "vitest";
import { runKillTest } from "./kill-test";

// Needs a built app (`npx next build`) and a Postgres server: STEWARD_KILL_TEST=1 DATABASE_URL=… npx vitest run scripts/kill-test.test.ts
describe.skipIf(!process.env.STEWARD_KILL_TEST)("ingest survives SIGKILL of the server", () => {
  it("stores exactly the sent set when a retrying client rides through kills and restarts", async () => {
    const result = await runKillTest({ serverUrl: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres", port: 3114, batches: 100, batchSize: 250, kills: 3 });
    expect(result.kills).toBe(3);
    expect(result.sent).toBeGreaterThanOrEqual(100 * 250);
    expect({ missing: result.missing, unexpected: result.unexpected, stored: result.stored, distinct: result.distinct }).toEqual({ missing: 0, unexpected: 0, stored: result.sent, distinct: result.sent });
  }, 180_000);
});
