/**
 * CPU time spent by each part of a benchmark run, read from Linux's /proc: the console's process
 * tree, the PostgreSQL backends serving one database, and the benchmark process itself. CPU time
 * per unit of work (ms per 1,000 decisions) barely moves with the machine's load, where a rate does,
 * so benchmarks print it beside their throughput figures. Linux only; elsewhere every reading is 0.
 */
import { readdirSync, readFileSync } from "node:fs";
import type postgres from "postgres";

/** Clock ticks per second of /proc's utime and stime (USER_HZ; 100 on every Linux this runs on). */
const TICKS_PER_SECOND = 100;

type ProcStat = { pid: number; ppid: number; cpuMs: number };

function readStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may contain spaces: fields are counted after its closing one.
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
    return { pid, ppid: Number(fields[1]), cpuMs: (ticks * 1000) / TICKS_PER_SECOND };
  } catch {
    return null; // gone, or not Linux
  }
}

function allStats(): ProcStat[] {
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  return entries.filter((name) => /^\d+$/.test(name)).flatMap((name) => readStat(Number(name)) ?? []);
}

/** CPU ms used so far by a process and every descendant still alive. */
export function processTreeCpuMs(rootPid: number): number {
  const stats = allStats();
  const children = new Map<number, ProcStat[]>();
  for (const stat of stats) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat]);
  const root = stats.find((stat) => stat.pid === rootPid);
  if (!root) return 0;
  let total = 0;
  const queue = [root];
  while (queue.length) {
    const next = queue.pop()!;
    total += next.cpuMs;
    queue.push(...(children.get(next.pid) ?? []));
  }
  return total;
}

/** CPU ms used so far by the PostgreSQL backends connected to `database` (a local server only). */
export async function databaseBackendsCpuMs(sql: postgres.Sql, database: string): Promise<number> {
  const rows = await sql<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${database} and pid <> pg_backend_pid()`;
  return rows.reduce((total, row) => total + (readStat(row.pid)?.cpuMs ?? 0), 0);
}

export type CpuReading = { console: number; database: number; bench: number };

/** Reads the three parts at once; subtract two readings with `cpuSpent`. */
export async function readCpu(consolePid: number, sql: postgres.Sql, database: string): Promise<CpuReading> {
  const self = process.cpuUsage();
  return { console: processTreeCpuMs(consolePid), database: await databaseBackendsCpuMs(sql, database), bench: (self.user + self.system) / 1000 };
}

export function cpuSpent(before: CpuReading, after: CpuReading): CpuReading {
  return { console: after.console - before.console, database: after.database - before.database, bench: after.bench - before.bench };
}

/** "console 41.2 + PostgreSQL 30.1 + bench 12.0 = 83.3 CPU ms per 1,000 <unit>". */
export function formatCpuPer(spent: CpuReading, units: number, unit: string): string {
  const per = (ms: number) => ((ms / units) * 1000).toFixed(1);
  const total = spent.console + spent.database + spent.bench;
  return `console ${per(spent.console)} + PostgreSQL ${per(spent.database)} + bench ${per(spent.bench)} = ${per(total)} CPU ms per 1,000 ${unit}`;
}
