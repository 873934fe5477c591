/**
 * `npm run measure:decision-bytes -- [--decisions 100000]` — what one recorded decision costs on
 * disk, for docs/scale.md. Ingests realistic decisions (bench:ingest's generator, times spread over
 * the last hour) through the real ingest path (lib/decisions/ingest-decisions.ts, batches of 1,000)
 * into a fresh database on DATABASE_URL's server, runs VACUUM ANALYZE, then reads
 * pg_total_relation_size / pg_relation_size / pg_indexes_size of every table that grew: the
 * `decisions` partitions (heap, TOAST, indexes), `decision_keys` (the idempotency claim) and the rest.
 * Prints bytes per decision for each; drops the database afterwards.
 */
import postgres from "postgres";
import { ingestDecisions } from "@/lib/decisions/ingest-decisions";
import { enforcementPointContext } from "@/lib/decisions/ingest-testing";
import { registerEnforcementPoint } from "@/lib/enforcement-points/register-enforcement-point";
import { userContext } from "@/testing/context";
import { realisticDecision } from "./lib/bench-traffic";
import { scratchDatabase } from "../testing/scratch-database";
import { argValue } from "./lib/steward-client";

const TOTAL = Number(argValue("decisions", "100000"));
const BATCH = 1_000;

async function main(): Promise<void> {
  const scratch = await scratchDatabase("fleet_bytes");
  const sql = postgres(scratch.url, { max: 1, onnotice: () => {} });
  try {
    const sizes = async () =>
      new Map(
        (await sql<{ name: string; total: string; heap: string; indexes: string; rows: string }[]>`
          select c.relname as name, pg_total_relation_size(c.oid) as total, pg_relation_size(c.oid) as heap, pg_indexes_size(c.oid) as indexes, c.reltuples::bigint as rows
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relkind = 'r'`).map((row) => [row.name, { total: Number(row.total), heap: Number(row.heap), indexes: Number(row.indexes), rows: Number(row.rows) }]),
      );
    const before = await sizes();
    const { enforcementPoint } = await registerEnforcementPoint({ ctx: userContext("admin"), input: { name: "bytes", kind: "mcp-gateway" } });
    const ctx = enforcementPointContext(enforcementPoint.id);
    const started = performance.now();
    for (let sent = 0; sent < TOTAL; sent += BATCH) {
      const result = await ingestDecisions({ ctx, input: Array.from({ length: Math.min(BATCH, TOTAL - sent) }, () => ({ value: realisticDecision() })) });
      if (result.quarantined.length) throw new Error(`quarantined: ${JSON.stringify(result.quarantined[0])}`);
    }
    const seconds = (performance.now() - started) / 1000;
    await sql.unsafe("vacuum analyze");
    const after = await sizes();
    const [stored] = await sql<{ n: number }[]>`select count(*)::int as n from decisions`;
    const n = stored!.n;
    console.log(`measure:decision-bytes — ${new Date().toISOString()} — ${n.toLocaleString()} decisions ingested in-process through ingestDecisions in ${seconds.toFixed(1)} s (PostgreSQL server ${(await sql<{ server_version: string }[]>`show server_version`)[0]!.server_version})`);
    const grown = [...after].map(([table, size]) => ({ table, ...size, grew: size.total - (before.get(table)?.total ?? 0) })).filter((row) => row.grew > 64 * 1024).sort((a, b) => b.grew - a.grew);
    let all = 0;
    let partitions = { total: 0, heap: 0, indexes: 0 };
    for (const row of grown) {
      all += row.grew;
      if (/^decisions_p\d{8}$/.test(row.table)) partitions = { total: partitions.total + row.total, heap: partitions.heap + row.heap, indexes: partitions.indexes + row.indexes };
      console.log(`  ${row.table.padEnd(32)} total ${(row.total / 1048576).toFixed(1).padStart(7)} MiB = ${(row.grew / n).toFixed(0).padStart(5)} B/decision (heap ${(row.heap / n).toFixed(0)} B, indexes ${(row.indexes / n).toFixed(0)} B, TOAST+maps ${((row.total - row.heap - row.indexes) / n).toFixed(0)} B; ${row.rows.toLocaleString()} rows)`);
    }
    console.log(`  decisions partitions together: ${(partitions.total / n).toFixed(0)} B/decision (heap ${(partitions.heap / n).toFixed(0)}, indexes ${(partitions.indexes / n).toFixed(0)}, TOAST+maps ${((partitions.total - partitions.heap - partitions.indexes) / n).toFixed(0)})`);
    console.log(`  everything that grew: ${(all / n).toFixed(0)} B/decision`);
    const indexes = await sql<{ name: string; size: string }[]>`
      select i.relname as name, sum(pg_relation_size(i.oid))::bigint as size
      from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
      where t.relname ~ '^decisions_p\\d{8}$' or t.relname = 'decision_keys'
      group by 1 order by 2 desc`;
    const byIndex = new Map<string, number>();
    for (const row of indexes) {
      const key = row.name.replace(/^decisions_p\d{8}_/, "decisions_p<day>_");
      byIndex.set(key, (byIndex.get(key) ?? 0) + Number(row.size));
    }
    console.log("  indexes:");
    for (const [index, size] of [...byIndex].sort((a, b) => b[1] - a[1])) console.log(`    ${index.padEnd(60)} ${(size / n).toFixed(1).padStart(6)} B/decision`);
  } finally {
    await sql.end();
    await scratch.drop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
