import { describe, expect, it } from "vitest";
import { suiteDatabase } from "@/testing/database";
import { rawQuery, withRawTransaction, type Statement } from "./raw-sql";

// withRawTransaction on the suite's engine (PGlite, or PostgreSQL with STEWARD_TEST_DB=postgres, where
// finish's statements go out with the COMMIT).
const database = suiteDatabase();

const table = `raw_tx_${Date.now()}`;
const insert = (value: string): Statement => ({ text: `insert into ${table} (value) values ($1)`, params: [value] });
const stored = async (prefix: string) => (await rawQuery<{ value: string }>(database, `select value from ${table} where value like $1 order by value`, [`${prefix}%`])).map((row) => row.value);

describe("withRawTransaction", () => {
  it("commits what finish sends with what ran before it, and answers each statement's rows", async () => {
    await rawQuery(database, `create table if not exists ${table} (value text primary key)`);
    const rows = await withRawTransaction(database, async (query, together, finish) => {
      await together(
        () => query(`insert into ${table} (value) values ($1)`, ["a-1"]),
        () => query(`insert into ${table} (value) values ($1)`, ["a-2"]),
      );
      return finish(insert("a-3"), null, { text: `select count(*)::int as n from ${table} where value like $1`, params: ["a-%"] });
    });
    expect(rows).toEqual([[], [], [{ n: 3 }]]);
    expect(await stored("a-")).toEqual(["a-1", "a-2", "a-3"]);
  });

  it("keeps nothing when a statement sent with the commit fails, and rejects with that statement's error", async () => {
    await rawQuery(database, `create table if not exists ${table} (value text primary key)`);
    await rawQuery(database, `insert into ${table} (value) values ('b-taken')`);
    // More failures than the pool has connections (10): a connection not handed back would hang this.
    for (let i = 0; i < 12; i++) {
      const attempt = withRawTransaction(database, async (query, _together, finish) => {
        await query(`insert into ${table} (value) values ($1)`, [`b-before-${i}`]);
        await finish(insert(`b-with-${i}`), insert("b-taken"), insert(`b-after-${i}`));
      });
      await expect(attempt).rejects.toMatchObject({ code: "23505" });
    }
    expect(await stored("b-")).toEqual(["b-taken"]);
  });

  it("refuses a statement after finish instead of running it outside the transaction", async () => {
    await rawQuery(database, `create table if not exists ${table} (value text primary key)`);
    const attempt = withRawTransaction(database, async (query, _together, finish) => {
      await finish(insert("c-1"));
      await query(`insert into ${table} (value) values ($1)`, ["c-late"]);
    });
    await expect(attempt).rejects.toThrow(/after the transaction's finish/);
    // c-1 committed with finish on PostgreSQL; PGlite commits at the callback's end, so rolled it back.
    expect(await stored("c-")).toEqual(database.target === "postgres" ? ["c-1"] : []);
  });

  it("rolls back everything when the callback throws, and the connection serves the next transaction", async () => {
    await rawQuery(database, `create table if not exists ${table} (value text primary key)`);
    for (let i = 0; i < 12; i++) {
      const attempt = withRawTransaction(database, async (query) => {
        await query(`insert into ${table} (value) values ($1)`, [`d-${i}`]);
        throw new Error("refused by the caller");
      });
      await expect(attempt).rejects.toThrow("refused by the caller");
    }
    await withRawTransaction(database, (query) => query(`insert into ${table} (value) values ($1)`, ["d-kept"]));
    expect(await stored("d-")).toEqual(["d-kept"]);
  });

  it.skipIf(process.env.STEWARD_TEST_DB !== "postgres")("a connection lost mid-transaction fails it, and the pool serves the next ones", async () => {
    await rawQuery(database, `create table if not exists ${table} (value text primary key)`);
    const attempt = withRawTransaction(database, async (query) => {
      await query(`insert into ${table} (value) values ($1)`, ["e-lost"]);
      const [backend] = await query<{ pid: number }>("select pg_backend_pid() as pid");
      await rawQuery(database, "select pg_terminate_backend($1)", [backend!.pid]);
      await query("select 1");
    });
    await expect(attempt).rejects.toBeDefined();
    // Twelve, more than the pool's ten connections: the lost one was neither handed back broken nor leaked.
    for (let i = 0; i < 12; i++) await withRawTransaction(database, (query) => query(`insert into ${table} (value) values ($1)`, [`e-${String(i).padStart(2, "0")}`]));
    expect(await stored("e-")).toEqual(Array.from({ length: 12 }, (_, i) => `e-${String(i).padStart(2, "0")}`));
  });
});
