import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { openDatabase, reportAnchorsFileFor, setDatabaseForTests, type DatabaseHandle } from "@/db/client";

/**
 * Test-only: a fresh, migrated database for one suite. STEWARD_TEST_DB=postgres uses a new
 * database on the server named by DATABASE_URL (dropped at the end); otherwise in-memory PGlite.
 * (Tests are the one place besides lib/config.ts that read the environment.)
 */
export async function openTestDatabase(): Promise<DatabaseHandle & { target: "postgres" | "pglite"; url?: string }> {
  if (process.env.STEWARD_TEST_DB === "postgres") {
    const serverUrl = process.env.DATABASE_URL;
    if (!serverUrl) throw new Error("STEWARD_TEST_DB=postgres needs DATABASE_URL");
    // A prefix per worktree keeps parallel runs on one server apart (e.g. steward_policy_test).
    const prefix = /^[a-z_][a-z0-9_]{0,40}$/.test(process.env.STEWARD_TEST_DB_PREFIX ?? "") ? process.env.STEWARD_TEST_DB_PREFIX : "steward_test";
    const name = `${prefix}_${randomBytes(6).toString("hex")}`;
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const handle = { ...(await openDatabase({ url: url.toString() })), auditCheckpointFile: checkpointFile() };
    setDatabaseForTests(handle);
    return {
      ...handle,
      target: "postgres",
      url: url.toString(),
      close: async () => {
        await handle.close();
        rmSync(handle.auditCheckpointFile, { force: true });
        rmSync(reportAnchorsFileFor(handle.auditCheckpointFile), { force: true });
        const dropper = postgres(serverUrl, { max: 1, onnotice: () => {} });
        await dropper.unsafe(`drop database if exists ${name} with (force)`);
        await dropper.end();
      },
    };
  }
  const opened = await openDatabase({ pgliteDir: undefined });
  const handle = {
    ...opened,
    auditCheckpointFile: checkpointFile(),
    close: async () => {
      await opened.close();
      rmSync(handle.auditCheckpointFile, { force: true });
      rmSync(reportAnchorsFileFor(handle.auditCheckpointFile), { force: true });
    },
  };
  setDatabaseForTests(handle);
  return { ...handle, target: "pglite" };
}

/** Each test database keeps its audit checkpoint in its own temporary file, removed on close. */
const checkpointFile = () => path.join(tmpdir(), `steward-audit-checkpoint-${randomBytes(6).toString("hex")}.json`);
