import { sql as drizzleSql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "@/testing/database";
import { MAX_PREPARED_PARAMETERS } from "./statement-reuse";

// PostgreSQL only: PGlite runs in-process and has no round trips to save.
describe.skipIf(process.env.STEWARD_TEST_DB !== "postgres")("statement reuse on PostgreSQL", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(() => database.close());

  /** Named statements this connection holds whose text contains `marker` (pg_prepared_statements is per session). */
  const preparedOnThisConnection = (run: (text: string) => Promise<unknown>, marker: string) =>
    run(`select count(*)::int as n from pg_prepared_statements where strpos(statement, '${marker.replaceAll("'", "''")}') > 0 and strpos(statement, 'pg_prepared_statements') = 0`) as Promise<{ n: number }[]>;

  it("a drizzle query with parameters is prepared once per connection and then reused", async () => {
    const marker = `reuse_${Date.now()}`;
    await database.db.transaction(async (tx) => {
      for (let i = 0; i < 3; i++) await tx.execute(drizzleSql`select ${i}::int as v, ${drizzleSql.raw(`'${marker}'`)} as m`);
      const [row] = await preparedOnThisConnection(async (text) => (await tx.execute(drizzleSql.raw(text))) as unknown as { n: number }[], `'${marker}' as m`);
      // Three runs of one text: one named statement, not none (unnamed, parsed on every run) and not three.
      expect(row!.n).toBe(1);
    });
  });

  it("the raw client's parameterized statements are prepared, and very wide ones are not", async () => {
    const marker = `raw_${Date.now()}`;
    await database.sql!.begin(async (tx) => {
      for (let i = 0; i < 3; i++) await tx.unsafe(`select $1::int as v, '${marker}' as m`, [i]);
      const wide = Array.from({ length: MAX_PREPARED_PARAMETERS + 1 }, (_, i) => i);
      await tx.unsafe(`select '${marker}_wide' as m, ${wide.map((_, i) => `$${i + 1}::int`).join(" + ")} as total`, wide);
      const [narrow] = await preparedOnThisConnection((text) => tx.unsafe(text), `'${marker}' as m`);
      const [wideCount] = await preparedOnThisConnection((text) => tx.unsafe(text), `${marker}_wide`);
      expect(narrow!.n).toBe(1);
      expect(wideCount!.n).toBe(0);
    });
  });
});
