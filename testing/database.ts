import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { openDatabase, reportAnchorsFileFor, setDatabaseForTests, type DatabaseHandle } from "@/db/client";
import { scratchDatabase } from "@/testing/scratch-database";

/**
 * Test-only: a fresh, migrated database for one suite. STEWARD_TEST_DB=postgres uses a new
 * database on the server named by DATABASE_URL (dropped at the end); otherwise in-memory PGlite.
 * (Tests are the one place besides lib/config.ts that read the environment.)
 */
export type TestDatabase = DatabaseHandle & { target: "postgres" | "pglite"; url?: string };

export async function openTestDatabase(): Promise<TestDatabase> {
  if (process.env.STEWARD_TEST_DB === "postgres") {
    const serverUrl = process.env.DATABASE_URL;
    if (!serverUrl) throw new Error("STEWARD_TEST_DB=postgres needs DATABASE_URL");
    // A prefix per worktree keeps parallel runs on one server apart (e.g. steward_policy_test).
    const prefix = process.env.STEWARD_TEST_DB_PREFIX ?? "";
    const scratch = await scratchDatabase(/^[a-z_][a-z0-9_]{0,40}$/.test(prefix) ? prefix : "steward_test", { serverUrl });
    const handle = { ...scratch.handle, auditCheckpointFile: checkpointFile() };
    setDatabaseForTests(handle);
    return {
      ...handle,
      target: "postgres",
      url: scratch.url,
      close: async () => {
        await scratch.drop();
        rmSync(handle.auditCheckpointFile, { force: true });
        rmSync(reportAnchorsFileFor(handle.auditCheckpointFile), { force: true });
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

/**
 * The suite's database: opened before its first test, closed after its last. Call it at the top of
 * a test file (`const database = suiteDatabase();`); `database.db`, `database.sql`… then reach the
 * open database (reading one before beforeAll has run throws rather than handing out undefined).
 * A suite that reaches the database only through lib/ (the process's database) calls `suiteDatabase();`.
 */
export function suiteDatabase(): TestDatabase {
  let opened: TestDatabase | undefined;
  beforeAll(async () => {
    opened = await openTestDatabase();
  });
  afterAll(async () => {
    await opened?.close();
  });
  return openedLater(() => opened, "The test database");
}

/**
 * Stands for a value a suite's beforeAll sets: reading a field forwards to it once set, and throws
 * before (a test file's top level runs before its hooks).
 */
export function openedLater<T extends object>(current: () => T | undefined, what: string): T {
  return new Proxy({} as T, {
    get(_, key) {
      // Not a promise (await, vitest's printing): only the value's own fields are forwarded.
      if (key === "then" || typeof key === "symbol") return undefined;
      const value = current();
      if (!value) throw new Error(`${what} is not open yet (read of ${String(key)} outside a test or beforeAll)`);
      return value[key as keyof T];
    },
  });
}

/** Each test database keeps its audit checkpoint in its own temporary file, removed on close. */
const checkpointFile = () => path.join(tmpdir(), `steward-audit-checkpoint-${randomBytes(6).toString("hex")}.json`);
