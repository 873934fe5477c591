import type { DatabaseHandle } from "@/db/client";

/**
 * Test-only: counts the database transactions a piece of code runs on a handle — what the server
 * commits, so the figure a benchmark reads from pg_stat_database (xact_commit + xact_rollback).
 * A statement sent outside BEGIN … COMMIT is one transaction (autocommit); a BEGIN … COMMIT block is
 * one, whatever it holds. Both drivers are counted where they send SQL: postgres.js through its
 * `debug` hook (every query of both the drizzle client and the raw client, per connection), PGlite
 * by wrapping `query`, `exec` and `transaction` on the instance. Statements are kept too, so a
 * failing count can say what ran.
 */
export type TransactionCounter = {
  /** Transactions started since the counter was made (or last reset). */
  readonly count: number;
  /** Every statement's text, in order, since the counter was made (or last reset). */
  readonly statements: string[];
  reset(): void;
  stop(): void;
};

type PostgresClient = { options: { debug?: unknown } };
type DrizzleWithClient = { $client?: unknown };

export function countTransactions(handle: DatabaseHandle): TransactionCounter {
  let count = 0;
  let statements: string[] = [];
  const restore: (() => void)[] = [];
  if (handle.kind === "postgres") {
    const open = new Set<number>();
    const debug = (connection: number, query: string) => {
      statements.push(query);
      const text = query.trim().toLowerCase();
      if (text.startsWith("begin") || text.startsWith("start transaction")) {
        open.add(connection);
        count++;
      } else if (text.startsWith("commit") || text.startsWith("rollback")) {
        if (!text.startsWith("rollback to")) open.delete(connection);
      } else if (!open.has(connection)) count++;
    };
    const clients = [(handle.db as unknown as DrizzleWithClient).$client as PostgresClient | undefined, handle.sql as unknown as PostgresClient | undefined];
    for (const client of new Set(clients)) {
      if (!client?.options) continue;
      const before = client.options.debug;
      client.options.debug = debug;
      restore.push(() => (client.options.debug = before));
    }
    if (!restore.length) throw new Error("countTransactions: no postgres.js client found on the handle");
  } else {
    const pglite = handle.pglite as unknown as Record<"query" | "exec" | "transaction", (...args: unknown[]) => unknown>;
    for (const method of ["query", "exec", "transaction"] as const) {
      const original = pglite[method];
      pglite[method] = function (this: unknown, ...args: unknown[]) {
        count++;
        statements.push(method === "transaction" ? "(transaction)" : String(args[0]));
        return original.apply(this, args);
      };
      restore.push(() => (pglite[method] = original));
    }
  }
  return {
    get count() {
      return count;
    },
    get statements() {
      return statements;
    },
    reset() {
      count = 0;
      statements = [];
    },
    stop() {
      for (const undo of restore.splice(0)) undo();
    },
  };
}
