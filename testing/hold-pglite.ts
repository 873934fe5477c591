// Test helper process: opens a PGlite data folder the way the console does (lock, migrate), then
// obeys one command per stdin line — "write <text>" inserts a row and answers the row count — so a
// test can check that a holder keeps working while a second opener is refused.
import { createInterface } from "node:readline";
import { openDatabase } from "@/db/client";

async function main(folder: string | undefined): Promise<void> {
  if (!folder) throw new Error("usage: hold-pglite <folder>");
  const handle = await openDatabase({ pgliteDir: folder });
  const pglite = handle.pglite!;
  await pglite.exec("create table if not exists lock_probe (v text not null)");
  process.stdout.write(`${JSON.stringify({ ready: true, pid: process.pid })}\n`);
  for await (const line of createInterface({ input: process.stdin })) {
    if (!line.startsWith("write ")) continue;
    await pglite.query("insert into lock_probe (v) values ($1)", [line.slice(6)]);
    const { rows } = await pglite.query<{ n: number }>("select count(*)::int as n from lock_probe");
    process.stdout.write(`${JSON.stringify({ rows: rows[0]!.n })}\n`);
  }
  await handle.close();
}

void main(process.argv[2]);
