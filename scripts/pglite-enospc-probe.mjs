#!/usr/bin/env node
// What PGlite does when its disk fills: the evidence behind db/disk-space.ts (docs/operations.md).
// Usage, as root: mount -t tmpfs -o size=48m tmpfs /mnt/small && node scripts/pglite-enospc-probe.mjs /mnt/small/pg
// Inserts 2 KB rows until PGlite reports an error, then asks `select 1` and waits 10 s for the answer.
import { PGlite } from "@electric-sql/pglite";

const folder = process.argv[2];
if (!folder) {
  console.error("usage: node scripts/pglite-enospc-probe.mjs <folder on a small file system>");
  process.exit(2);
}
const db = new PGlite(folder);
await db.waitReady;
await db.exec("create table if not exists probe (v text)");
const pad = "x".repeat(2000);
const started = Date.now();
let rows = 0;
for (;;) {
  try {
    await db.query("insert into probe select $1 || g from generate_series(1, 500) g", [pad]);
    rows += 500;
  } catch (error) {
    console.log(`after ${rows} rows and ${Date.now() - started} ms: ${String(error.message).slice(0, 200)}`);
    break;
  }
}
// If the event loop is blocked inside PGlite, neither the query nor this timer ever fires.
const outcome = await Promise.race([
  db.query("select 1").then(() => "select 1 after the error: answered"),
  new Promise((resolve) => setTimeout(() => resolve("select 1 after the error: no answer within 10 s"), 10_000)),
]);
console.log(outcome);
process.exit(0);
