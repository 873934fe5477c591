/**
 * The one way a benchmark, measurer or script test gets a throwaway PostgreSQL database: created on
 * a server under `<label>_<random hex>`, migrated and opened (unless a console will migrate it
 * itself), dropped by `drop()`. Test suites reach it through testing/database.ts.
 */
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { openDatabase, setDatabaseForTests, type DatabaseHandle } from "@/db/client";

/** Where scripts create their databases unless told otherwise: DATABASE_URL, else the local server. */
export const DEFAULT_SERVER_URL = "postgres://postgres@127.0.0.1:5432/postgres";

/** A label (and so the name) goes into `create database` unquoted: a plain lower-case identifier only. */
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,40}$/;

export type ScratchOptions = {
  /** The server (any database on it); default DATABASE_URL, else DEFAULT_SERVER_URL. */
  serverUrl?: string;
  /** Use this existing database (it must be `<label>_…`) instead of creating one: a kept database measured again. */
  reuse?: string;
  /** drop() leaves the database in place (and says so). */
  keep?: boolean;
};

export type ScratchDatabase = {
  name: string;
  /** The database's own URL (the server URL with its name as path). */
  url: string;
  /** A connection to the server's maintenance database, e.g. for pg_stat_database reads about this one. */
  server: postgres.Sql;
  /** Closes the handle if open, drops the database (unless kept) and ends the server connection. Once only. */
  drop(): Promise<{ dropped: boolean }>;
};

export type OpenScratchDatabase = ScratchDatabase & {
  /** The migrated database, opened and set as this process's database (lib/ functions use it). Closed by drop(). */
  handle: DatabaseHandle;
};

/**
 * Creates (or, with `reuse`, takes) `<label>_<12 hex>`; by default migrates it through openDatabase
 * and sets it as the process's database. With `{ migrate: false }` it is left empty for a console
 * (next start) to migrate, as a deploy would.
 */
export async function scratchDatabase(label: string, options?: ScratchOptions & { migrate?: true }): Promise<OpenScratchDatabase>;
export async function scratchDatabase(label: string, options: ScratchOptions & { migrate: false }): Promise<ScratchDatabase>;
export async function scratchDatabase(label: string, options: ScratchOptions & { migrate?: boolean } = {}): Promise<ScratchDatabase | OpenScratchDatabase> {
  if (!IDENTIFIER.test(label)) throw new Error(`Scratch database label ${JSON.stringify(label)} is not a plain lower-case identifier`);
  const name = options.reuse ?? `${label}_${randomBytes(6).toString("hex")}`;
  // Only ever a database this helper could have created: BENCH_REUSE=postgres must not be dropped.
  if (!name.startsWith(`${label}_`) || !/^\w{1,63}$/.test(name)) throw new Error(`Refusing to use database ${name}: not a ${label}_… scratch database`);
  const serverUrl = options.serverUrl ?? process.env.DATABASE_URL ?? DEFAULT_SERVER_URL;
  const server = postgres(serverUrl, { max: 1, onnotice: () => {} });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let handle: DatabaseHandle | undefined;
  let dropping: Promise<{ dropped: boolean }> | undefined;
  const drop = () =>
    (dropping ??= (async () => {
      try {
        await handle?.close();
        if (options.keep) return { dropped: false };
        await server.unsafe(`drop database if exists ${name} with (force)`);
        return { dropped: true };
      } finally {
        await server.end();
      }
    })());
  try {
    if (!options.reuse) await server.unsafe(`create database ${name}`);
    if (options.migrate === false) return { name, url: url.toString(), server, drop };
    const opened = await openDatabase({ url: url.toString() });
    // Closing twice (a script hands the database to a console half-way, then drop() runs) is harmless.
    let closing: Promise<void> | undefined;
    handle = { ...opened, close: () => (closing ??= opened.close()) };
    setDatabaseForTests(handle);
    return { name, url: url.toString(), server, handle, drop };
  } catch (error) {
    // A database made here goes again; a reused one is left as it was.
    if (options.reuse) await server.end();
    else await drop().catch(() => {});
    throw error;
  }
}
