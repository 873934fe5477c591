import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { openDatabase, setDatabaseForTests, type DatabaseHandle } from "../client";

/**
 * Test-only: a fresh, migrated database for one suite. STEWARD_TEST_DB=postgres uses a new
 * database on the server named by DATABASE_URL (dropped at the end); otherwise in-memory PGlite.
 * (Tests are the one place besides lib/config.ts that read the environment.)
 */
export async function openTestDatabase(): Promise<DatabaseHandle & { target: "postgres" | "pglite"; url?: string }> {
  if (process.env.STEWARD_TEST_DB === "postgres") {
    const serverUrl = process.env.DATABASE_URL;
    if (!serverUrl) throw new Error("STEWARD_TEST_DB=postgres needs DATABASE_URL");
    // Parallel workers sharing one server give their databases their own prefix (e.g. steward_frameworks_test_).
    const prefix = process.env.STEWARD_TEST_DB_PREFIX ?? "steward_test_";
    if (!/^[a-z_][a-z0-9_]{0,40}$/.test(prefix)) throw new Error("STEWARD_TEST_DB_PREFIX must be lower-case letters, digits and underscores");
    const name = `${prefix}${randomBytes(6).toString("hex")}`;
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const handle = await openDatabase({ url: url.toString() });
    setDatabaseForTests(handle);
    return {
      ...handle,
      target: "postgres",
      url: url.toString(),
      close: async () => {
        await handle.close();
        const dropper = postgres(serverUrl, { max: 1, onnotice: () => {} });
        await dropper.unsafe(`drop database if exists ${name} with (force)`);
        await dropper.end();
      },
    };
  }
  const handle = await openDatabase({ pgliteDir: undefined });
  setDatabaseForTests(handle);
  return { ...handle, target: "pglite" };
}
