import { AsyncLocalStorage } from "node:async_hooks";
import type { Sql } from "postgres";
import * as schema from "./schema";
import type { Db } from "./client";

/** A read-only connection to a streaming replica of the primary (postgres.js, wrapped by drizzle). */
export type ReplicaHandle = { db: Db; sql: Sql; close(): Promise<void> };

/** Opens the replica named by `url`. Nothing is migrated there: a replica follows the primary's schema. */
export async function openReplica(url: string): Promise<ReplicaHandle> {
  const postgres = (await import("postgres")).default;
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const quiet = { onnotice: () => {} };
  const client = postgres(url, { ...quiet, max: 10, connect_timeout: 5 });
  const sql = postgres(url, { ...quiet, max: 1, connect_timeout: 5 });
  return {
    db: drizzle({ client, schema }) as unknown as Db,
    sql,
    close: async () => {
      await Promise.all([client.end({ timeout: 5 }), sql.end({ timeout: 5 })]);
    },
  };
}

/**
 * How far behind the primary the replica is, in seconds: 0 when it has replayed all the WAL it has
 * received, else the age of the last transaction it replayed. Errors: rejects when the server is
 * unreachable or is not a replica (`pg_is_in_recovery()` false — then it is no replica at all).
 */
export async function measureReplicaLag(replica: ReplicaHandle): Promise<number> {
  const [row] = await replica.sql<{ in_recovery: boolean; lag: string | null }[]>`
    select pg_is_in_recovery() as in_recovery,
      case when pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0
           else extract(epoch from now() - pg_last_xact_replay_timestamp()) end as lag`;
  if (!row?.in_recovery) throw new Error("DATABASE_READ_URL names a server that is not in recovery (not a replica)");
  return Math.max(0, Number(row.lag ?? 0));
}

/**
 * Where this request's reads go. Set by the pages that may read from the replica (app/_server/read-scope.ts);
 * `getReadDb` (db/client.ts) answers the primary outside such a scope.
 */
export type ReadScope = { useReplica: boolean };
export const readScope = new AsyncLocalStorage<ReadScope>();
