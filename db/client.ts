import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { Sql } from "postgres";
import { getConfig } from "@/lib/config";
import * as schema from "./schema";

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

export type DatabaseTarget = { url: string } | { pgliteDir: string | undefined };

export const MIGRATIONS_FOLDER = path.join(/*turbopackIgnore: true*/ process.cwd(), "db", "migrations");
/** Held while migrating so two processes on one server never migrate at once. */
const MIGRATION_LOCK_KEY = 7_363_001;

/**
 * Opens a database, applies pending migrations and returns the handle. Nothing here runs at
 * import time: `next build` imports route modules and must not touch a database.
 */
export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  if ("url" in target) {
    const postgres = (await import("postgres")).default;
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const { migrate } = await import("drizzle-orm/postgres-js/migrator");
    const quiet = { onnotice: () => {} };
    const migrator = postgres(target.url, { ...quiet, max: 1 });
    try {
      await migrator`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
      await migrate(drizzle({ client: migrator }), { migrationsFolder: MIGRATIONS_FOLDER });
      await migrator`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    } finally {
      await migrator.end();
    }
    const client = postgres(target.url, { ...quiet, max: 10 });
    const sql = postgres(target.url, { ...quiet, max: 10 });
    const db = drizzle({ client, schema }) as unknown as Db;
    return {
      kind: "postgres",
      db,
      sql,
      pglite: undefined,
      close: async () => {
        await Promise.all([client.end(), sql.end()]);
      },
    };
  }
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  const pglite = target.pgliteDir ? new PGlite(target.pgliteDir) : new PGlite();
  await pglite.waitReady;
  const pgDb = drizzle({ client: pglite, schema });
  await migrate(pgDb, { migrationsFolder: MIGRATIONS_FOLDER });
  return {
    kind: "pglite",
    db: pgDb as unknown as Db,
    sql: undefined,
    pglite,
    close: () => pglite.close(),
  };
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

/** Tests point the process at their own database. */
export function setDatabaseForTests(handle: DatabaseHandle): void {
  holder.__stewardDb = Promise.resolve(handle);
}
