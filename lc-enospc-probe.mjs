import { PGlite } from "@electric-sql/pglite";
const db = new PGlite("/tmp/lc-enospc/pg");
await db.waitReady;
await db.exec("create table t (v text)");
const pad = "x".repeat(2000);
let n = 0;
const t0 = Date.now();
for (;;) {
  const started = Date.now();
  try {
    await Promise.race([db.query("insert into t select $1 || g from generate_series(1,500) g", [pad]), new Promise((_, r) => setTimeout(() => r(new Error("TIMEOUT 20s")), 20000))]);
    n += 500;
  } catch (e) {
    console.log("after", n, "rows,", Date.now() - t0, "ms:", String(e.message).slice(0, 200), "took", Date.now() - started);
    break;
  }
}
const r = await Promise.race([db.query("select 1 as ok").then(() => "select after error: answered"), new Promise((res) => setTimeout(() => res("select after error: no answer in 10 s"), 10000))]);
console.log(r);
process.exit(0);
