/**
 * Nothing lost, nothing doubled — under SIGKILL. Starts the built console (`npx next build` first)
 * on a fresh Postgres database, streams batches of decisions from a client that retries each batch
 * until it gets a 2xx, SIGKILLs the server mid-stream several times and restarts it, then checks
 * that the stored set is exactly the sent set.
 * `npm run test:kill` (needs DATABASE_URL of a server where it may create and drop a database).
 */
import { randomUUID } from "node:crypto";
import postgres from "postgres";
import { postDecisions, sleep, StewardClient, withScratchConsole } from "./lib/steward-client";

export type KillTestResult = { sent: number; stored: number; distinct: number; missing: number; unexpected: number; kills: number; retries: number; seconds: number };

export async function runKillTest(options: { serverUrl: string; port: number; batches: number; batchSize: number; kills: number }): Promise<KillTestResult> {
  const started = Date.now();
  return withScratchConsole({ serverUrl: options.serverUrl, port: options.port, label: "kill" }, async (scratch) => {
    const baseUrl = scratch.baseUrl;
    const db = postgres(scratch.databaseUrl, { max: 1, onnotice: () => {} });
    try {
    const client = await StewardClient.connect(baseUrl, scratch.admin);
    const { id: epId, token } = await client.enforcementPointToken({ name: "kill-test", kind: "sidecar" });
    const sent = new Set<string>();
    let retries = 0;
    let kills = 0;
    let done = false;

    const sender = (async () => {
      // At least `batches`, and on until every kill has happened (a fast server would otherwise finish first).
      for (let batchIndex = 0; batchIndex < options.batches || (kills < options.kills && batchIndex < options.batches * 50); batchIndex++) {
        const batch = Array.from({ length: options.batchSize }, () => ({
          id: randomUUID(),
          time: new Date().toISOString(),
          agent: { id: `agent-${Math.floor(Math.random() * 20)}` },
          action: { name: "tool.call" },
          resource: { type: "doc", id: `doc-${batchIndex}` },
          outcome: Math.random() < 0.2 ? "deny" : "allow",
          context: { batch: batchIndex },
        }));
        for (const decision of batch) sent.add(decision.id);
        // The same batch, byte for byte, until the server acknowledges it.
        for (;;) {
          try {
            const response = await postDecisions(baseUrl, token, batch);
            if (response.status >= 200 && response.status < 300) break;
            if (response.status < 500 && response.status !== 429) throw new Error(`Batch ${batchIndex} refused: ${response.status} ${JSON.stringify(response.body)}`);
          } catch (error) {
            if ((error as Error).message.startsWith("Batch")) throw error;
          }
          retries++;
          await sleep(100);
        }
      }
      done = true;
    })();

    const killer = (async () => {
      for (let kill = 0; kill < options.kills && !done; kill++) {
        await sleep(500 + Math.random() * 1000);
        if (done) break;
        await scratch.killAndRestart();
        kills++;
      }
    })();
    await Promise.all([sender, killer]);

    const rows = await db<{ decision_id: string }[]>`select decision_id from decisions where enforcement_point_id = ${epId}`;
    const stored = rows.map((row) => row.decision_id);
    const storedSet = new Set(stored);
    return {
      sent: sent.size,
      stored: stored.length,
      distinct: storedSet.size,
      missing: [...sent].filter((id) => !storedSet.has(id)).length,
      unexpected: stored.filter((id) => !sent.has(id)).length,
      kills,
      retries,
      seconds: Math.round((Date.now() - started) / 1000),
    };
    } finally {
      await db.end();
    }
  });
}

if (process.argv[1]?.endsWith("kill-test.ts")) {
  const serverUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  runKillTest({ serverUrl, port: Number(process.env.STEWARD_KILL_PORT ?? 3113), batches: 120, batchSize: 250, kills: 3 })
    .then((result) => {
      console.log(JSON.stringify(result));
      const ok = result.missing === 0 && result.unexpected === 0 && result.stored === result.sent && result.distinct === result.sent && result.kills > 0;
      console.log(ok ? "PASS: exactly the sent set is stored" : "FAIL");
      process.exit(ok ? 0 : 1);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
