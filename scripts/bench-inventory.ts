/**
 * `npm run bench:inventory`: seeds 10,000 agents and 10,000,000 decisions into a fresh database on
 * the Postgres server (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres), created
 * by the real migrations, then reports p95 latency of the agent list, the agent page's
 * declared-vs-observed query, the Overview page's reads (lib/overview, default 24 h chart) and a
 * full findings refresh, each next to a baseline measured in the same run. Options: BENCH_DECISIONS, BENCH_AGENTS, BENCH_KEEP=1 (keep the database),
 * BENCH_REUSE=<database> (measure a kept database again without seeding).
 */
import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { refreshActivityRollup } from "@/db/activity";
import type { DatabaseHandle } from "@/db/client";
import { ensureDecisionPartitions } from "@/db/ingest";
import { systemContext } from "@/lib/auth/actor";
import { declaredVsObserved } from "@/lib/agents/declared-vs-observed";
import { getAgent, listAgents } from "@/lib/agents/list-agents";
import { refreshFindings } from "@/lib/findings/refresh-findings";
import { getOverview } from "@/lib/overview/overview";
import { scratchDatabase } from "../testing/scratch-database";

const AGENTS = Number(process.env.BENCH_AGENTS ?? 10_000);
const DECISIONS = Number(process.env.BENCH_DECISIONS ?? 10_000_000);
const DAYS = 60;
const PEOPLE = 2_000;
const TEAMS = 100;
const ACTION_POOL = 300;
const DAY_MS = 86_400_000;

const ctx = systemContext("bench");
let seed = 42;
/** Deterministic, fast PRNG so runs are comparable. */
function random(): number {
  seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff;
  return seed / 0x7fffffff;
}
const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;

async function timeIt(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function p95(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]!;
}

async function measure(label: string, runs: number, fn: (i: number) => Promise<unknown>) {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(await timeIt(() => fn(i)));
  return { label, p95: p95(samples), runs };
}

async function copyRows(sql: postgres.Sql, statement: string, rows: Iterable<string>) {
  const writable = await sql.unsafe(statement).writable();
  await pipeline(Readable.from(rows), writable);
}

function* batched(lines: Iterable<string>, size = 5_000): Generator<string> {
  let buffer: string[] = [];
  for (const line of lines) {
    buffer.push(line);
    if (buffer.length >= size) {
      yield buffer.join("");
      buffer = [];
    }
  }
  if (buffer.length) yield buffer.join("");
}

type SeedAgent = { id: string; ref: string; declared: string[] };

async function seed_(handle: DatabaseHandle) {
  const sql = handle.sql!;
  const now = Date.now();
  const actions = Array.from({ length: ACTION_POOL }, (_, i) => `tool.action_${i}`);
  const teamIds = Array.from({ length: TEAMS }, (_, i) => `team_bench${i}`);
  await copyRows(sql, "copy teams (id, name) from stdin", batched(teamIds.map((id, i) => `${id}\tTeam ${i}\n`)));
  const personIds = Array.from({ length: PEOPLE }, (_, i) => `per_bench${i}`);
  // 3% of people have left: their agents are orphaned.
  await copyRows(
    sql,
    "copy people (id, name, email, team_id, active) from stdin",
    batched(personIds.map((id, i) => `${id}\tPerson ${i}\tperson${i}@bench.test\t${pick(teamIds)}\t${i % 33 === 0 ? "f" : "t"}\n`)),
  );
  const agents: SeedAgent[] = [];
  const agentLines: string[] = [];
  const identityLines: string[] = [];
  const statuses = ["active", "active", "active", "active", "active", "active", "suspended", "retired", "discovered", "active"];
  const creds = ["task_token", "spiffe", "oauth_client", "static_api_key", "shared_secret", "spiffe", "task_token"];
  const sensitivity = ["public", "internal", "confidential", "restricted"];
  const envs = ["prod", "staging", "dev"];
  for (let i = 0; i < AGENTS; i++) {
    const id = `agt_bench${String(i).padStart(6, "0")}`;
    const declared = Array.from(new Set(Array.from({ length: 8 }, () => pick(actions))));
    const status = pick(statuses);
    const owner = status === "discovered" || random() < 0.05 ? "\\N" : pick(personIds);
    const backup = owner === "\\N" || random() < 0.3 ? "\\N" : pick(personIds);
    const created = new Date(now - Math.floor(random() * 200) * DAY_MS).toISOString();
    agents.push({ id, ref: `bench-agent-${i}`, declared });
    agentLines.push(
      [id, `bench agent ${i}`, `Seeded agent number ${i}`, pick(envs), status, owner, backup === owner ? "\\N" : backup, pick(teamIds), JSON.stringify(declared), pick(creds), String(pick([300, 900, 3600, 86_400, 2_592_000])), pick(sensitivity), created].join("\t") + "\n",
    );
    identityLines.push(`agent_id\tbench-agent-${i}\t${id}\n`, `spiffe_id\tspiffe://bench/agent/${i}\t${id}\n`);
  }
  await copyRows(
    sql,
    "copy agents (id, name, description, environment, status, owner_id, backup_owner_id, team_id, declared_actions, credential_kind, credential_max_lifetime_seconds, data_sensitivity, created_at) from stdin",
    batched(agentLines),
  );
  await copyRows(sql, "copy agent_identities (kind, value, agent_id) from stdin", batched(identityLines));

  // The enforcement points the decisions name (the Overview's health section reads them).
  await copyRows(sql, "copy enforcement_points (id, name, kind, last_seen_at) from stdin", batched(Array.from({ length: 5 }, (_, i) => `ep_bench${i}\tbench gateway ${i}\tmcp-gateway\t${new Date(now).toISOString()}\n`)));

  // Bulk-load without secondary indexes, then build them exactly as the migration defines them.
  const constraints = await sql<{ conname: string; def: string }[]>`
    select conname, pg_get_constraintdef(oid) as def from pg_constraint where conrelid = 'decisions'::regclass and contype = 'p'`;
  const indexes = await sql<{ indexdef: string; indexname: string }[]>`
    select indexname, indexdef from pg_indexes where tablename = 'decisions' and indexname not in (select conname from pg_constraint where conrelid = 'decisions'::regclass)`;
  for (const index of indexes) await sql.unsafe(`drop index ${index.indexname}`);
  for (const constraint of constraints) await sql.unsafe(`alter table decisions drop constraint ${constraint.conname}`);
  const outcomes = ["allow", "allow", "allow", "allow", "allow", "allow", "allow", "allow", "allow", "deny", "deny", "approval_required"];
  const resourceTypes = ["Document", "Ticket", "Invoice", "Customer", "Repository"];
  const start = now - DAYS * DAY_MS;
  const step = (DAYS * DAY_MS) / DECISIONS;
  function* decisionLines(): Generator<string> {
    for (let i = 0; i < DECISIONS; i++) {
      // Skewed traffic: a few busy agents, a long tail of quiet ones.
      const agent = agents[Math.floor(AGENTS * random() ** 1.6)]!;
      const action = random() < 0.97 ? pick(agent.declared) : pick(actions);
      const delegation = random() < 0.05 ? `["${pick(agents).ref}","${agent.ref}"]` : "\\N";
      const time = new Date(start + i * step).toISOString();
      yield `ep_bench${i % 5}\t${randomUUID()}\t${time}\t${time}\t${agent.id}\t${agent.ref}\t${action}\t${pick(resourceTypes)}\tres-${i % 1000}\t${pick(outcomes)}\t${delegation}\tbench\n`;
    }
  }
  // decisions is partitioned by day: the seeded days need their partitions before COPY.
  await ensureDecisionPartitions(handle, new Date(start).toISOString().slice(0, 10), new Date(now + DAY_MS).toISOString().slice(0, 10));
  await copyRows(
    sql,
    "copy decisions (enforcement_point_id, decision_id, time, received_at, agent_id, agent_ref, action_name, resource_type, resource_id, outcome, delegation, content_hash) from stdin",
    batched(decisionLines()),
  );
  for (const constraint of constraints) await sql.unsafe(`alter table decisions add constraint ${constraint.conname} ${constraint.def}`);
  // On a partitioned table pg_indexes shows "ON ONLY"; re-create on the parent so every partition gets it.
  for (const index of indexes) await sql.unsafe(index.indexdef.replace(" ON ONLY ", " ON "));
  await sql`analyze`;
  return agents;
}

async function main() {
  const reuse = process.env.BENCH_REUSE;
  const scratch = await scratchDatabase("steward_inventory_bench", { reuse, keep: process.env.BENCH_KEEP === "1" });
  const { name, handle } = scratch;
  console.log(`database ${name}: ${AGENTS} agents, ${DECISIONS} decisions over ${DAYS} days`);
  try {
    if (!reuse) {
      const seedMs = await timeIt(async () => {
        await seed_(handle);
      });
      console.log(`seeded in ${(seedMs / 1000).toFixed(1)} s`);
      const rollupMs = await timeIt(() => refreshActivityRollup(handle.db, { rebuild: true }));
      console.log(`initial activity rollup (one-off, all ${DAYS} days) in ${(rollupMs / 1000).toFixed(1)} s`);
    }
    const [rollup] = await handle.sql!<{ n: string }[]>`select count(*) as n from agent_activity_daily`;
    console.log(`rollup rows: ${rollup?.n}`);
    await refreshFindings({ ctx });

    const agentIds = (await handle.sql!<{ id: string }[]>`select id from agents order by random() limit 200`).map((r) => r.id);
    const [hottest] = await handle.sql!<{ agent_id: string; n: string }[]>`select agent_id, count(*) as n from decisions where time > now() - interval '30 days' group by agent_id order by n desc limit 1`;

    const baseline = await measure("baseline: select 1 round trip", 200, () => handle.db.execute(sql`select 1`));
    const pkLookup = await measure("baseline: agent primary-key lookup", 200, (i) => getAgent({ ctx, input: { agentId: agentIds[i % agentIds.length]! } }));
    const listQueries = [
      {},
      { sort: "-risk" },
      { finding: "orphaned" },
      { status: "active", environment: "prod", sort: "-lastSeen" },
      { q: "agent 12" },
      { offset: 5000 },
    ];
    const list = await measure("agent list (50 rows, filters/sort/search mix)", 120, (i) => listAgents({ ctx, input: listQueries[i % listQueries.length] }));
    const page = await measure("agent page: declared vs observed (random agents)", 100, (i) => declaredVsObserved({ ctx, input: { agentId: agentIds[i % agentIds.length]! } }));
    const hot = await measure(`agent page: busiest agent (${hottest?.n} decisions in window)`, 20, () => declaredVsObserved({ ctx, input: { agentId: hottest!.agent_id } }));
    // The Overview as the console's home page reads it (every section, as an admin would see it).
    await getOverview({ ctx });
    const overview = await measure("overview page reads (all sections, 24 h chart)", 30, () => getOverview({ ctx }));
    const overviewWeek = await measure("overview page reads with the 7 d chart", 5, () => getOverview({ ctx, range: "7d" }));
    const refresh = await measure("full findings refresh (rollup of open days + all agents)", 5, () => refreshFindings({ ctx }));

    const rows = [
      [list, 100, baseline],
      [page, 200, baseline],
      [hot, 200, baseline],
      [overview, 300, baseline],
      [overviewWeek, 1_000, baseline],
      [refresh, 10_000, pkLookup],
    ] as const;
    console.log(`\n${baseline.label}: p95 ${baseline.p95.toFixed(2)} ms`);
    console.log(`${pkLookup.label}: p95 ${pkLookup.p95.toFixed(2)} ms`);
    console.log("\nquery | p95 ms | target ms | baseline p95 ms | ratio to baseline | verdict");
    for (const [result, target, base] of rows) {
      console.log(`${result.label} | ${result.p95.toFixed(1)} | ${target} | ${base.p95.toFixed(2)} | ${(result.p95 / base.p95).toFixed(1)}x | ${result.p95 <= target ? "within target" : "OVER TARGET"}`);
    }
  } finally {
    if (!(await scratch.drop()).dropped) console.log(`kept database ${name}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
