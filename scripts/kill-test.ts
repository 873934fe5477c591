/**
 * Nothing lost, nothing doubled — under SIGKILL. Starts the built console (`npx next build` first)
 * on a fresh Postgres database, streams batches of decisions from a client that retries each batch
 * until it gets a 2xx, SIGKILLs the server mid-stream several times and restarts it, then checks
 * that the stored set is exactly the sent set.
 * `npm run test:kill` (needs DATABASE_URL of a server where it may create and drop a database).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { postDecisions, sleep, startServer, StewardClient } from "./lib/steward-client";

export type KillTestResult = { sent: number; stored: number; distinct: number; missing: number; unexpected: number; kills: number; retries: number; seconds: number };

export async function runKillTest(options: { serverUrl: string; port: number; batches: number; batchSize: number; kills: number }): Promise<KillTestResult> {
  const started = Date.now();
  const name = `steward_ingest_kill_${randomBytes(4).toString("hex")}`;
  const admin = postgres(options.serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(options.serverUrl);
  url.pathname = `/${name}`;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "steward-kill-"));
  const env = { DATABASE_URL: url.toString(), STEWARD_DATA_DIR: dataDir, AUTH_SECRET: randomBytes(32).toString("hex"), STEWARD_ADMIN_EMAIL: "kill@example.test", STEWARD_ADMIN_PASSWORD: "kill test password 1" };
  const baseUrl = `http://127.0.0.1:${options.port}`;
  let server = await startServer({ port: options.port, env });
  const db = postgres(url.toString(), { max: 1, onnotice: () => {} });
  try {
    const client = await StewardClient.connect(baseUrl, { email: env.STEWARD_ADMIN_EMAIL, password: env.STEWARD_ADMIN_PASSWORD });
    const { id: epId, token } = await client.enforcementPointToken({ name: "kill-test", kind: "sidecar" });
    const sent = new Set<string>();
    let retries = 0;
    let kills = 0;
    let done = false;

    const sender = (async () => {
      for (let batchIndex = 0; batchIndex < options.batches; batchIndex++) {
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
        await sleep(1500 + Math.random() * 1500);
        if (done) break;
        server.kill("SIGKILL");
        await new Promise((resolve) => server.once("exit", resolve));
        kills++;
        server = await startServer({ port: options.port, env });
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
    server.kill("SIGKILL");
    await db.end();
    await sleep(300);
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  }
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
