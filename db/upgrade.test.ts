import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { scratchDatabase, type ScratchDatabase } from "@/testing/scratch-database";
import { MIGRATIONS_FOLDER, MigrationFailedError, openDatabase, type DatabaseHandle, type DatabaseTarget } from "./client";

/**
 * Upgrades, failed upgrades and restores, on the database this run targets (STEWARD_TEST_DB):
 * a PGlite data folder, or a PostgreSQL database made for the test and dropped after it.
 */
const onPostgres = process.env.STEWARD_TEST_DB === "postgres";
const scratch = mkdtempSync(path.join(os.tmpdir(), "steward-upgrade-"));
const databases: ScratchDatabase[] = [];

afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
  for (const database of databases) await database.drop();
});

type Journal = { version: string; dialect: string; entries: { idx: number; version: string; when: number; tag: string; breakpoints: boolean }[] };
const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as Journal;

/** A migrations folder as an older release shipped it: only the first `count` migrations, plus any `extra`. */
function migrationsFolder(count: number, extra: { tag: string; sql: string }[] = []): string {
  const folder = path.join(scratch, `migrations-${count}-${randomBytes(3).toString("hex")}`);
  mkdirSync(path.join(folder, "meta"), { recursive: true });
  const entries = journal.entries.slice(0, count);
  for (const entry of entries) cpSync(path.join(MIGRATIONS_FOLDER, `${entry.tag}.sql`), path.join(folder, `${entry.tag}.sql`));
  let when = journal.entries.at(-1)!.when;
  for (const migration of extra) {
    when += 1_000;
    entries.push({ idx: entries.length, version: "7", when, tag: migration.tag, breakpoints: true });
    writeFileSync(path.join(folder, `${migration.tag}.sql`), migration.sql);
  }
  writeFileSync(path.join(folder, "meta", "_journal.json"), JSON.stringify({ ...journal, entries }));
  return folder;
}

/** A fresh target: a new PGlite data folder, or a new (empty: each test migrates it its own way) database on the server. */
async function freshTarget(): Promise<DatabaseTarget & { name: string }> {
  if (!onPostgres) {
    const name = `steward_upgrade_${randomBytes(5).toString("hex")}`;
    return { pgliteDir: path.join(scratch, name), name };
  }
  const database = await scratchDatabase("steward_upgrade", { migrate: false });
  databases.push(database);
  return { url: database.url, name: database.name };
}

async function rows<T>(handle: DatabaseHandle, query: string): Promise<T[]> {
  if (handle.pglite) return (await handle.pglite.query<T>(query)).rows;
  return (await handle.sql!.unsafe(query)) as unknown as T[];
}

const applied = async (handle: DatabaseHandle) => (await rows<{ n: number }>(handle, "select count(*)::int as n from drizzle.__drizzle_migrations"))[0]!.n;
const tableExists = async (handle: DatabaseHandle, table: string) => (await rows<{ present: boolean }>(handle, `select to_regclass('public.${table}') is not null as present`))[0]!.present;

/** Data an operator of the older release would have: a person, an enforcement point, a stored decision. */
async function seedOlderRelease(handle: DatabaseHandle): Promise<void> {
  const statements = [
    `insert into users (id, email, name, role, password_hash) values ('usr_old', 'old@example.test', 'Old Admin', 'admin', 'scrypt$placeholder')`,
    `insert into enforcement_points (id, name, kind) values ('ep_old', 'old-gateway', 'mcp-gateway')`,
    `select steward_ensure_decision_partitions(current_date, current_date)`,
    `insert into decisions (enforcement_point_id, decision_id, time, agent_id, agent_ref, action_name, resource_type, resource_id, outcome, content_hash)
       values ('ep_old', 'dec_old', now(), 'agt_old', 'old-agent', 'tool.call', 'doc', 'd-1', 'deny', 'hash')`,
  ];
  for (const statement of statements) await rows(handle, statement);
}

/** The oldest schema we upgrade from: the first migration that stores decisions as they are stored today. */
const OLDEST_SUPPORTED = journal.entries.findIndex((entry) => entry.tag.includes("partitioning")) + 1;

describe("upgrades", () => {
  it("starts the current version on a database made by an older release and keeps its data", async () => {
    expect(OLDEST_SUPPORTED).toBeGreaterThan(0);
    for (const olderCount of [OLDEST_SUPPORTED, journal.entries.length - 1]) {
      const target = await freshTarget();
      const older = await openDatabase({ ...target, migrationsFolder: migrationsFolder(olderCount) });
      expect(await applied(older)).toBe(olderCount);
      await seedOlderRelease(older);
      await older.close();

      const current = await openDatabase(target);
      try {
        expect(await applied(current)).toBe(journal.entries.length);
        expect(await rows(current, "select email, role from users where id = 'usr_old'")).toEqual([{ email: "old@example.test", role: "admin" }]);
        expect(await rows(current, "select decision_id, outcome from decisions where enforcement_point_id = 'ep_old'")).toEqual([{ decision_id: "dec_old", outcome: "deny" }]);
      } finally {
        await current.close();
      }
    }
  }, 600_000);

  it("a failed migration leaves the database exactly as it was and says which migration and why", async () => {
    const target = await freshTarget();
    const older = await openDatabase({ ...target, migrationsFolder: migrationsFolder(OLDEST_SUPPORTED) });
    await seedOlderRelease(older);
    await older.close();

    // Every real migration since, then one that fails half-way (its first statement succeeds).
    const broken = migrationsFolder(journal.entries.length, [
      { tag: "9999_broken", sql: `CREATE TABLE "upgrade_probe" ("x" integer);\n--> statement-breakpoint\nALTER TABLE "no_such_table" ADD COLUMN "y" integer;` },
    ]);
    const failure = await openDatabase({ ...target, migrationsFolder: broken }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(MigrationFailedError);
    const message = (failure as Error).message;
    expect(message).toContain("the database is unchanged");
    expect(message).toContain("9999_broken");
    expect(message).toContain(journal.entries.at(-1)!.tag);
    expect(message).toMatch(/no_such_table.*does not exist/);

    const after = await openDatabase({ ...target, migrationsFolder: migrationsFolder(OLDEST_SUPPORTED) });
    try {
      expect(await applied(after)).toBe(OLDEST_SUPPORTED);
      expect(await tableExists(after, "upgrade_probe")).toBe(false);
      // Tables that later real migrations create were rolled back with the broken one.
      const laterTables = journal.entries.slice(OLDEST_SUPPORTED).flatMap((entry) => [...readFileSync(path.join(MIGRATIONS_FOLDER, `${entry.tag}.sql`), "utf8").matchAll(/CREATE TABLE "(\w+)"/g)].map((m) => m[1]!));
      expect(laterTables.length).toBeGreaterThan(0);
      for (const table of laterTables) expect(await tableExists(after, table)).toBe(false);
      expect(await rows(after, "select decision_id from decisions")).toEqual([{ decision_id: "dec_old" }]);
    } finally {
      await after.close();
    }
    // And the fixed release then upgrades it normally.
    const fixed = await openDatabase(target);
    expect(await applied(fixed)).toBe(journal.entries.length);
    await fixed.close();
  }, 600_000);
});

describe("backup and restore", () => {
  it.runIf(!onPostgres)("restores a PGlite data folder copied while Steward was stopped", async () => {
    const target = (await freshTarget()) as { pgliteDir: string; name: string };
    const live = await openDatabase(target);
    await seedOlderRelease(live);
    await live.close();

    const backup = path.join(scratch, `${target.name}-backup`);
    cpSync(target.pgliteDir, backup, { recursive: true });

    // After the backup: more data, then the folder is lost.
    const later = await openDatabase(target);
    await rows(later, `insert into users (id, email, name, role) values ('usr_new', 'new@example.test', 'New', 'viewer')`);
    await later.close();
    rmSync(target.pgliteDir, { recursive: true, force: true });

    cpSync(backup, target.pgliteDir, { recursive: true });
    const restored = await openDatabase(target);
    try {
      expect(await applied(restored)).toBe(journal.entries.length);
      expect(await rows(restored, "select id from users order by id")).toEqual([{ id: "usr_old" }]);
      expect(await rows(restored, "select decision_id from decisions")).toEqual([{ decision_id: "dec_old" }]);
    } finally {
      await restored.close();
    }
  }, 600_000);

  it.runIf(onPostgres)("restores a PostgreSQL database from pg_dump", async () => {
    const source = (await freshTarget()) as { url: string; name: string };
    const live = await openDatabase(source);
    await seedOlderRelease(live);
    await live.close();

    const dump = path.join(scratch, `${source.name}.dump`);
    const dumped = spawnSync("pg_dump", ["--format=custom", `--file=${dump}`, source.url], { encoding: "utf8" });
    expect(dumped.status, dumped.stderr).toBe(0);
    const restoredTarget = (await freshTarget()) as { url: string; name: string };
    const restoredRun = spawnSync("pg_restore", ["--no-owner", `--dbname=${restoredTarget.url}`, dump], { encoding: "utf8" });
    expect(restoredRun.status, restoredRun.stderr).toBe(0);

    const restored = await openDatabase(restoredTarget);
    try {
      expect(await applied(restored)).toBe(journal.entries.length);
      expect(await rows(restored, "select id from users")).toEqual([{ id: "usr_old" }]);
      expect(await rows(restored, "select decision_id from decisions")).toEqual([{ decision_id: "dec_old" }]);
    } finally {
      await restored.close();
    }
  }, 600_000);
});
