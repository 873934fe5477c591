import { readFileSync } from "node:fs";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { Sql } from "postgres";
import { getConfig } from "@/lib/config";
import { lockFolder } from "./folder-lock";
import * as schema from "./schema";
import { withStatementReuse } from "./statement-reuse";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
/** What data-access functions take first: the database or an open transaction. */
export type Executor = Db | Tx;

export type DatabaseHandle = {
  kind: "postgres" | "pglite";
  db: Db;
  /** Raw postgres.js client (not wrapped by drizzle) for bulk paths; undefined on PGlite. */
  sql: Sql | undefined;
  /** The embedded database, on PGlite. */
  pglite: PGlite | undefined;
  /** Where the audit chain's signed head is kept, outside the database (lib/audit/checkpoint.ts). */
  auditCheckpointFile?: string;
  close(): Promise<void>;
};

/**
 * Where report anchors (each report's hash and the audit head at its creation, signed) are appended:
 * beside the audit checkpoint, outside the database (`audit-checkpoint.json` → `report-anchors.jsonl`).
 */
export function reportAnchorsFileFor(auditCheckpointFile: string): string {
  const base = auditCheckpointFile.endsWith(".json") ? auditCheckpointFile.slice(0, -".json".length) : auditCheckpointFile;
  return base.endsWith("audit-checkpoint") ? `${base.slice(0, -"audit-checkpoint".length)}report-anchors.jsonl` : `${base}.report-anchors.jsonl`;
}

export type DatabaseTarget = ({ url: string } | { pgliteDir: string | undefined }) & {
  /** Where the migrations are read from; the shipped folder unless a test says otherwise. */
  migrationsFolder?: string;
};

/** The database a target names, for logs and /api/ready: host, port and database, never the password. */
export function describeTarget(target: DatabaseTarget): string {
  if ("url" in target) {
    try {
      const url = new URL(target.url);
      return `PostgreSQL database "${decodeURIComponent(url.pathname.slice(1)) || "(default)"}" on ${url.hostname}:${url.port || "5432"}`;
    } catch {
      return "PostgreSQL (DATABASE_URL is not a valid URL)";
    }
  }
  return target.pgliteDir ? `PGlite data folder ${target.pgliteDir}` : "PGlite in memory";
}

/**
 * A migration that failed. Migrations run in one transaction, so the database is left exactly as it
 * was before the attempt; the message names what was pending and the database's own error.
 */
export class MigrationFailedError extends Error {
  constructor(
    readonly pending: string[],
    cause: unknown,
  ) {
    super(
      `Migrating the database failed and was rolled back; the database is unchanged. Pending: ${pending.join(", ") || "(none)"}. Cause: ${causeText(cause)}`,
      { cause },
    );
    this.name = "MigrationFailedError";
  }
}

function causeText(error: unknown): string {
  const parts: string[] = [];
  for (let current = error, depth = 0; current && depth < 4; current = (current as { cause?: unknown }).cause, depth++) {
    const message = current instanceof Error ? current.message : String(current);
    // drizzle's "Failed query: <the whole migration>" is long: keep its first line.
    parts.push(message.split("\n")[0]!.slice(0, 300));
  }
  return parts.join(" ← ");
}

type Journal = { entries: { tag: string; when: number }[] };
function journal(folder: string): Journal {
  return JSON.parse(readFileSync(path.join(/*turbopackIgnore: true*/ folder, "meta", "_journal.json"), "utf8")) as Journal;
}

/** Migrations that a database with `applied` rows in drizzle.__drizzle_migrations has not run yet. */
function pendingTags(folder: string, lastAppliedAt: number | undefined): string[] {
  return journal(folder)
    .entries.filter((entry) => lastAppliedAt === undefined || entry.when > lastAppliedAt)
    .map((entry) => entry.tag);
}

export const MIGRATIONS_FOLDER = path.join(/*turbopackIgnore: true*/ process.cwd(), "db", "migrations");
/** Held while migrating so two processes on one server never migrate at once. */
const MIGRATION_LOCK_KEY = 7_363_001;

/**
 * Opens a database, applies pending migrations and returns the handle. Nothing here runs at
 * import time: `next build` imports route modules and must not touch a database.
 */
export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  const migrationsFolder = target.migrationsFolder ?? MIGRATIONS_FOLDER;
  if ("url" in target) {
    const postgres = (await import("postgres")).default;
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const { migrate } = await import("drizzle-orm/postgres-js/migrator");
    const quiet = { onnotice: () => {} };
    const migrator = postgres(target.url, { ...quiet, max: 1 });
    try {
      await migrator`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
      const last = await lastMigrationAt((query) => migrator.unsafe(query));
      try {
        await migrate(drizzle({ client: migrator }), { migrationsFolder });
      } catch (error) {
        if (isConnectionLevel(error)) throw error;
        throw new MigrationFailedError(pendingTags(migrationsFolder, last), error);
      }
      await migrator`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    } finally {
      await migrator.end();
    }
    const client = withStatementReuse(postgres(target.url, { ...quiet, max: 10 }));
    const sql = withStatementReuse(postgres(target.url, { ...quiet, max: 10 }));
    const db = drizzle({ client, schema }) as unknown as Db;
    return {
      kind: "postgres",
      db,
      sql,
      pglite: undefined,
      close: async () => {
        // Queries still running get 5 s to finish before their connections are cut.
        await Promise.all([client.end({ timeout: 5 }), sql.end({ timeout: 5 })]);
      },
    };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  // Taken before PGlite touches the folder, released only after PGlite has closed it.
  const lock = target.pgliteDir ? await lockFolder(target.pgliteDir) : undefined;
  let pglite: PGlite | undefined;
  try {
    pglite = target.pgliteDir ? new PGlite(target.pgliteDir) : new PGlite();
    await pglite.waitReady;
    const client = pglite;
    const pgDb = drizzle({ client, schema });
    const last = await lastMigrationAt(async (query) => (await client.query<Record<string, unknown>>(query)).rows);
    try {
      await migrate(pgDb, { migrationsFolder });
    } catch (error) {
      throw new MigrationFailedError(pendingTags(migrationsFolder, last), error);
    }
    let closing: Promise<void> | undefined;
    return {
      kind: "pglite",
      db: pgDb as unknown as Db,
      sql: undefined,
      pglite: client,
      close: () =>
        (closing ??= (async () => {
          try {
            if (!client.closed) await client.close();
          } finally {
            await lock?.release();
          }
        })()),
    };
  } catch (error) {
    try {
      if (pglite && !pglite.closed) await pglite.close();
    } catch {
      // the open already failed; report that
    }
    await lock?.release();
    throw error;
  }
}

/** When the newest applied migration was created (drizzle's journal `when`), or undefined on a new database. */
async function lastMigrationAt(run: (query: string) => Promise<readonly Record<string, unknown>[]>): Promise<number | undefined> {
  const [exists] = await run(`select to_regclass('drizzle.__drizzle_migrations') is not null as present`);
  if (!exists?.present) return undefined;
  const [row] = await run(`select max(created_at)::text as last from drizzle.__drizzle_migrations`);
  return row?.last == null ? undefined : Number(row.last);
}

/** A failure to reach the server, not a failure of the migration itself (SQLSTATE class 08 or a socket error). */
function isConnectionLevel(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && (code.startsWith("08") || code.startsWith("E") || code.startsWith("CONNECT"))) return true;
  }
  return false;
}

type GlobalWithDb = typeof globalThis & { __stewardDb?: Promise<DatabaseHandle> };
const holder = globalThis as GlobalWithDb;

/** The one process-wide handle (kept on globalThis so dev-mode reloads reuse it). */
export function getDatabase(): Promise<DatabaseHandle> {
  if (!holder.__stewardDb) {
    const config = getConfig();
    const opening = openDatabase(config.databaseUrl ? { url: config.databaseUrl } : { pgliteDir: config.pgliteDir }).then((handle) => ({
      ...handle,
      auditCheckpointFile: path.join(/*turbopackIgnore: true*/ config.dataDir, "audit-checkpoint.json"),
    }));
    // A failed open (server down) must not poison every later request.
    opening.catch(() => {
      if (holder.__stewardDb === opening) holder.__stewardDb = undefined;
    });
    holder.__stewardDb = opening;
  }
  return holder.__stewardDb;
}

export async function getDb(): Promise<Db> {
  return (await getDatabase()).db;
}

/** Closes the process-wide database, if it was opened (graceful stop). Later getDatabase calls open it again. */
export async function closeDatabase(): Promise<void> {
  const opening = holder.__stewardDb;
  holder.__stewardDb = undefined;
  if (!opening) return;
  const handle = await opening.catch(() => undefined);
  await handle?.close();
}

/** Tests point the process at their own database. */
export function setDatabaseForTests(handle: DatabaseHandle): void {
  holder.__stewardDb = Promise.resolve(handle);
}
