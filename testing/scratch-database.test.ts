import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { scratchDatabase } from "./scratch-database";

// Against the real server, like every Postgres suite: STEWARD_TEST_DB=postgres DATABASE_URL=… npx vitest run testing/scratch-database.test.ts
const serverUrl = process.env.DATABASE_URL ?? "";
const prefix = /^[a-z_][a-z0-9_]{0,30}$/.test(process.env.STEWARD_TEST_DB_PREFIX ?? "") ? process.env.STEWARD_TEST_DB_PREFIX! : "steward_test";
const label = `${prefix}_scratch`;

describe.skipIf(process.env.STEWARD_TEST_DB !== "postgres")("scratchDatabase", () => {
  const server = postgres(serverUrl, { max: 1, onnotice: () => {} });
  const exists = async (name: string) => (await server<{ n: number }[]>`select count(*)::int as n from pg_database where datname = ${name}`)[0]!.n === 1;
  const leftovers: string[] = [];
  afterAll(async () => {
    for (const name of leftovers) await server.unsafe(`drop database if exists ${name} with (force)`);
    await server.end();
  });

  it("creates <label>_<random>, migrates and opens it, and drop() removes it", async () => {
    const scratch = await scratchDatabase(label, { serverUrl });
    leftovers.push(scratch.name);
    expect(scratch.name).toMatch(new RegExp(`^${label}_[0-9a-f]{12}$`));
    expect(new URL(scratch.url).pathname).toBe(`/${scratch.name}`);
    expect(await exists(scratch.name)).toBe(true);
    const [migrated] = await scratch.handle.sql!<{ n: number }[]>`select count(*)::int as n from drizzle.__drizzle_migrations`;
    expect(migrated!.n).toBeGreaterThan(0);
    await scratch.handle.close(); // a script may close it itself before drop()
    expect(await scratch.drop()).toEqual({ dropped: true });
    expect(await exists(scratch.name)).toBe(false);
    // drop() runs once: a second call answers the same and touches nothing.
    expect(await scratch.drop()).toEqual({ dropped: true });
  });

  it("leaves the database empty for a console to migrate with migrate: false", async () => {
    const scratch = await scratchDatabase(label, { serverUrl, migrate: false });
    leftovers.push(scratch.name);
    const sql = postgres(scratch.url, { max: 1, onnotice: () => {} });
    const [tables] = await sql<{ n: number }[]>`select count(*)::int as n from information_schema.tables where table_schema = 'public'`;
    await sql.end();
    expect(tables!.n).toBe(0);
    expect("handle" in scratch).toBe(false);
    await scratch.drop();
    expect(await exists(scratch.name)).toBe(false);
  });

  it("keep: drop() leaves it; reuse: takes that same database without creating one", async () => {
    const kept = await scratchDatabase(label, { serverUrl, keep: true });
    leftovers.push(kept.name);
    await kept.handle.sql!`create table bench_marker (id int)`;
    expect(await kept.drop()).toEqual({ dropped: false });
    expect(await exists(kept.name)).toBe(true);

    const again = await scratchDatabase(label, { serverUrl, reuse: kept.name });
    expect(again.name).toBe(kept.name);
    expect(await again.handle.sql!`select * from bench_marker`).toEqual([]);
    expect(await again.drop()).toEqual({ dropped: true });
    expect(await exists(kept.name)).toBe(false);
  });

  it("refuses a reused database that is not its label's, and a label that is not a plain identifier", async () => {
    await expect(scratchDatabase(label, { serverUrl, reuse: "postgres" })).rejects.toThrow(/Refusing to use database postgres/);
    await expect(scratchDatabase(label, { serverUrl, reuse: `${label}_x; drop database postgres` })).rejects.toThrow(/Refusing/);
    await expect(scratchDatabase("Bench-Policy", { serverUrl })).rejects.toThrow(/not a plain lower-case identifier/);
    await expect(scratchDatabase("x; drop database postgres; --", { serverUrl })).rejects.toThrow(/not a plain lower-case identifier/);
    expect(await exists("postgres")).toBe(true);
  });
});
