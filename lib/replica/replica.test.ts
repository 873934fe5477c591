import { execFileSync } from "node:child_process";
import { appendFileSync, chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, setDatabaseForTests, type DatabaseHandle } from "@/db/client";
import { ExploreQuery, exploreDecisions } from "../decisions/explore-decisions";
import { ingestDecisions } from "../decisions/ingest-decisions";
import { enforcementPointContext, sampleDecision } from "../decisions/ingest-testing";
import { registerEnforcementPoint } from "../enforcement-points/register-enforcement-point";
import { insertTestDecisionRows } from "@/testing/decisions";
import { loadShippedFrameworks } from "../frameworks/load-catalogs";
import { getReplay, runReplay, startReplay } from "../policies/replay";
import { createReport } from "../reports/create-report";
import { readReportList } from "../reports/read-reports";
import { updateSettings } from "../settings/settings";
import { userContext } from "@/testing/context";
import { replicaStatus, setReplicaForTests, withReadScope } from "./read-db";

/**
 * A real streaming replica: a primary cluster of its own (initdb; the machine's server on :5432 refuses
 * replication connections in pg_hba.conf, and a test must not change a shared server's configuration),
 * pg_basebackup of it into a temporary folder, both started with Debian's PostgreSQL 15 binaries on
 * ports 4460/4461, stopped and deleted afterwards. Runs with STEWARD_TEST_DB=postgres, as root (it
 * runs the server as the postgres user) on a machine with those binaries.
 */
const BIN = "/usr/lib/postgresql/15/bin";
const PRIMARY_PORT = 4460;
const REPLICA_PORT = 4461;
const asPostgres = (command: string, ...args: string[]) => execFileSync("su", ["postgres", "-c", [path.join(BIN, command), ...args.map((arg) => `'${arg}'`)].join(" ")], { stdio: "pipe", timeout: 120_000 });

let folder: string;
let primary: DatabaseHandle | undefined;
const started: string[] = [];
const admin = userContext("admin");

describe.runIf(process.env.STEWARD_TEST_DB === "postgres")("reads from a real streaming replica", () => {
  beforeAll(async () => {
    folder = mkdtempSync(path.join(tmpdir(), "steward-replica-"));
    chmodSync(folder, 0o777);
    const primaryDir = path.join(folder, "primary");
    const replicaDir = path.join(folder, "replica");
    asPostgres("initdb", "-D", primaryDir, "--auth=trust", "-U", "postgres", "--no-sync");
    appendFileSync(path.join(primaryDir, "postgresql.conf"), `\nport = ${PRIMARY_PORT}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '${folder}'\nfsync = off\nwal_level = replica\nmax_wal_senders = 4\n`);
    appendFileSync(path.join(primaryDir, "pg_hba.conf"), "\nhost replication all 127.0.0.1/32 trust\n");
    asPostgres("pg_ctl", "-D", primaryDir, "-w", "-l", path.join(folder, "primary.log"), "start");
    started.push(primaryDir);
    asPostgres("pg_basebackup", "-h", "127.0.0.1", "-p", String(PRIMARY_PORT), "-U", "postgres", "-D", replicaDir, "-X", "stream", "-R");
    appendFileSync(path.join(replicaDir, "postgresql.conf"), `\nport = ${REPLICA_PORT}\n`);
    asPostgres("pg_ctl", "-D", replicaDir, "-w", "-l", path.join(folder, "replica.log"), "start");
    started.push(replicaDir);
    primary = await openDatabase({ url: `postgres://postgres@127.0.0.1:${PRIMARY_PORT}/postgres` });
    setDatabaseForTests(primary);
    await setReplicaForTests(`postgres://postgres@127.0.0.1:${REPLICA_PORT}/postgres`);
  }, 180_000);

  afterAll(async () => {
    await setReplicaForTests(undefined);
    await primary?.close();
    for (const dir of started.reverse()) asPostgres("pg_ctl", "-D", dir, "-m", "immediate", "stop");
    if (folder) rmSync(folder, { recursive: true, force: true });
  }, 60_000);

  const replicaSql = () => postgres(`postgres://postgres@127.0.0.1:${REPLICA_PORT}/postgres`, { max: 1, onnotice: () => {} });
  const state = async () => {
    const status = await replicaStatus();
    return status.configured ? status.state : "not configured";
  };
  const settle = () => new Promise((resolve) => setTimeout(resolve, 1_100)); // past the lag reading's 1 s cache
  const explore = (useReplica: boolean) => withReadScope(useReplica, () => exploreDecisions({ ctx: admin, query: ExploreQuery.parse({}) }));

  it("reads the replica in a page's scope, the primary while it lags past the setting, and reports the lag", async () => {
    const ep = (await registerEnforcementPoint({ ctx: admin, input: { name: "replica-ep", kind: "mcp-gateway" } })).enforcementPoint.id;
    await updateSettings({ ctx: admin, input: { replicaMaxLagSeconds: 600 } });
    const ingest = (id: string) => ingestDecisions({ ctx: enforcementPointContext(ep), input: [{ value: sampleDecision({ id }) }] });

    await ingest("dec_before_pause");
    // Streaming: the replica has it within moments.
    await expect.poll(async () => (await explore(true)).rows.map((row) => row.decisionId), { timeout: 20_000 }).toContain("dec_before_pause");
    const caughtUp = await replicaStatus();
    expect(caughtUp).toMatchObject({ configured: true, state: "in_use", lagSeconds: 0, maxLagSeconds: 600 });

    // Pause replay on the replica: what the primary commits now is not there.
    const sql = replicaSql();
    try {
      await sql`select pg_wal_replay_pause()`;
      await ingest("dec_while_paused");
      await settle();
      // Within the allowed lag (600 s) a page reads the replica, which lacks it; outside a page's scope, the primary.
      expect(await state()).toBe("in_use");
      expect((await explore(true)).rows.map((row) => row.decisionId)).not.toContain("dec_while_paused");
      expect((await explore(false)).rows.map((row) => row.decisionId)).toContain("dec_while_paused");
      // With the setting at 2 s the replica (paused for longer) is "lagging", and the same page reads the primary.
      await updateSettings({ ctx: admin, input: { replicaMaxLagSeconds: 2 } });
      await expect.poll(state, { timeout: 15_000, interval: 500 }).toBe("lagging");
      const lagging = await replicaStatus();
      expect(lagging.configured && lagging.lagSeconds).toBeGreaterThanOrEqual(2);
      expect((await explore(true)).rows.map((row) => row.decisionId)).toContain("dec_while_paused");
    } finally {
      await sql`select pg_wal_replay_resume()`;
      await sql.end();
    }
    await expect.poll(state, { timeout: 20_000, interval: 500 }).toBe("in_use");
    expect((await explore(true)).rows.map((row) => row.decisionId)).toContain("dec_while_paused");
  }, 120_000);

  it("reads the Reports list and a replay's recorded decisions from the replica, writing the report and the replay's state on the primary", async () => {
    await updateSettings({ ctx: admin, input: { replicaMaxLagSeconds: 600 } });
    await expect.poll(state, { timeout: 20_000, interval: 500 }).toBe("in_use");
    const ep = "ep_replica_replay";
    const recorded = (decisionId: string) => ({
      enforcementPointId: ep,
      decisionId,
      time: new Date(),
      agentId: "agent_replica",
      agentRef: "agent_replica",
      actionName: "read",
      resourceType: "resource",
      resourceId: decisionId,
      outcome: "allow" as const,
      request: { subject: { type: "agent", id: "agent_replica" }, action: { name: "read" }, resource: { type: "resource", id: decisionId }, context: {} },
      contentHash: decisionId,
    });
    const risk = userContext("risk");
    const today = new Date();
    const report = (title: string) => createReport({ ctx: risk, input: { title, frameworkIds: ["csa-maestro"], scope: { kind: "all" }, periodStart: new Date(today.getTime() - 86_400_000).toISOString(), periodEnd: today.toISOString() } });
    const reportTitles = async (useReplica: boolean) => (await withReadScope(useReplica, () => readReportList({ ctx: risk }))).map((row) => row.title);
    const replayed = async () => {
      const { id } = await startReplay({ ctx: userContext("security"), input: { limit: 1000, enforcementPointId: ep } });
      await runReplay(id);
      // The job's row is read on the primary (an API route), so it is there even while the replica is paused.
      return getReplay({ ctx: admin, input: { id } });
    };

    await loadShippedFrameworks(primary!.db);
    await insertTestDecisionRows(primary!.db, [recorded("rec_1"), recorded("rec_2")]);
    await report("Before the pause");
    await expect.poll(() => reportTitles(true), { timeout: 20_000 }).toContain("Before the pause");
    await expect.poll(async () => (await replayed()).processed, { timeout: 20_000 }).toBe(2);

    const sql = replicaSql();
    try {
      await sql`select pg_wal_replay_pause()`;
      await insertTestDecisionRows(primary!.db, [recorded("rec_while_paused")]);
      await report("While paused");
      await settle();
      expect(await state()).toBe("in_use");
      // The Reports page's scope reads the replica, which has not replayed the new snapshot; outside it, the primary.
      expect(await reportTitles(true)).not.toContain("While paused");
      expect(await reportTitles(false)).toContain("While paused");
      // The replay scans the replica's two recorded decisions, and its progress and result land on the primary.
      expect(await replayed()).toMatchObject({ status: "done", total: 2, processed: 2 });
      // Once the replica is too far behind, the replay reads the primary and sees all three.
      await updateSettings({ ctx: admin, input: { replicaMaxLagSeconds: 2 } });
      await expect.poll(state, { timeout: 15_000, interval: 500 }).toBe("lagging");
      expect(await replayed()).toMatchObject({ status: "done", total: 3, processed: 3 });
      expect(await reportTitles(true)).toContain("While paused");
    } finally {
      await sql`select pg_wal_replay_resume()`;
      await sql.end();
    }
    await expect.poll(state, { timeout: 20_000, interval: 500 }).toBe("in_use");
    expect(await reportTitles(true)).toContain("While paused");
  }, 120_000);
});
