import type { Sql } from "postgres";
import { isDatabaseUnavailable } from "@/lib/errors";
import type { DatabaseHandle } from "./client";

/**
 * Raw SQL on the raw postgres.js client or on PGlite directly, for hot paths where drizzle's query
 * building costs too much (db/ingest.ts, the token service's issuing statements).
 */
export type RawQuery = <T = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<T[]>;

/**
 * Runs independent steps of one transaction. On PostgreSQL they are issued at once, and postgres.js
 * pipelines statements issued together on the transaction's connection: one round trip for all of
 * them. Elsewhere (PGlite, in-process) one after another. Resolves with every step's result in order;
 * rejects with the first failure, after which the transaction rolls back as with any throw.
 */
export type Together = <T extends readonly unknown[]>(...steps: { [K in keyof T]: () => Promise<T[K]> }) => Promise<T>;

/** One SQL statement with its parameters, built but not yet sent. */
export type Statement = { text: string; params: unknown[] };

/**
 * The transaction's last statements, sent with its COMMIT: on PostgreSQL one round trip for the
 * statements and the commit together. Resolves with each statement's rows (`[]` for a null) once
 * the transaction has committed; rejects with the first failing statement's error (PostgreSQL then
 * answers the COMMIT with a rollback, so nothing of the transaction is kept) or with the commit's.
 * The transaction takes no statement after it. Make it the callback's last step: PGlite commits when
 * the callback returns, so a throw after it rolls back there what PostgreSQL has already committed.
 * Statements rather than steps: a step could issue a second statement after the COMMIT had gone,
 * outside the transaction.
 */
export type Finish = (...statements: (Statement | null)[]) => Promise<unknown[][]>;

const pipelined: Together = (...steps) => Promise.all(steps.map((step) => step())) as never;
const oneAfterAnother: Together = async (...steps) => {
  const results: unknown[] = [];
  for (const step of steps) results.push(await step());
  return results as never;
};

/**
 * Runs `fn` in one transaction and commits when it returns (or when it calls `finish`); a throw
 * rolls back. On PostgreSQL, BEGIN goes out with the first statements and COMMIT with `finish`'s, so
 * a transaction of two batches is two round trips, not four.
 */
export async function withRawTransaction<T>(handle: DatabaseHandle, fn: (query: RawQuery, together: Together, finish: Finish) => Promise<T>): Promise<T> {
  if (handle.sql) return pipelinedTransaction(handle.sql, fn);
  return handle.pglite!.transaction(async (tx) => {
    let finished = false;
    const query: RawQuery = async <R,>(text: string, params: unknown[] = []) => {
      if (finished) throw new Error(AFTER_FINISH);
      return (await tx.query<R>(text, params)).rows;
    };
    const finish: Finish = async (...statements) => {
      const rows: unknown[][] = [];
      for (const statement of statements) rows.push(statement ? await query(statement.text, statement.params) : []);
      finished = true;
      return rows;
    };
    return fn(query, oneAfterAnother, finish);
  });
}

const AFTER_FINISH = "A statement after the transaction's finish: it would run outside the transaction";

/**
 * A server-side ERROR (or a statement postgres.js refused to send) leaves the connection usable: roll
 * back, then hand it back. A closed or destroyed connection, or a FATAL such as an administrator's
 * shutdown, means postgres.js has closed it and reconnects it on demand: nothing more may be sent on
 * it, nor may it be released.
 */
function leavesConnectionUsable(error: unknown): boolean {
  const severity = (error as { severity?: unknown })?.severity;
  if (severity !== undefined) return severity !== "FATAL" && severity !== "PANIC";
  return !isDatabaseUnavailable(error);
}

async function pipelinedTransaction<T>(sql: Sql, fn: (query: RawQuery, together: Together, finish: Finish) => Promise<T>): Promise<T> {
  const connection = await sql.reserve();
  const send = <R,>(text: string, params: unknown[] = []) => connection.unsafe(text, params as never[]) as unknown as Promise<R[]> & { command?: string };
  let state: "open" | "finished" = "open";
  let usable = true;
  const watch = <P extends Promise<unknown>>(sent: P): P => {
    sent.catch((error: unknown) => {
      if (!leavesConnectionUsable(error)) usable = false;
    });
    return sent;
  };
  // Not awaited: it leaves in the same write as the first statements, which run after it.
  const begun = watch(send("begin"));
  const query: RawQuery = (text, params) => (state === "open" ? watch(send(text, params)) : Promise.reject(new Error(AFTER_FINISH)));
  const finish: Finish = async (...statements) => {
    if (state !== "open") throw new Error(AFTER_FINISH);
    state = "finished";
    const sent = statements.map((statement) => (statement ? watch(send(statement.text, statement.params)) : Promise.resolve([])));
    const committed = watch(send("commit"));
    const outcomes = await Promise.allSettled([...sent, committed]);
    const failed = outcomes.find((outcome) => outcome.status === "rejected");
    if (failed) throw failed.reason;
    // A COMMIT in a failed transaction is answered ROLLBACK, not an error: never take it for a commit.
    if (((await committed) as { command?: string }).command !== "COMMIT") throw new Error("The transaction was rolled back at commit");
    return outcomes.slice(0, -1).map((outcome) => (outcome as PromiseFulfilledResult<unknown[]>).value);
  };
  try {
    const result = await fn(query, pipelined, finish);
    await begun;
    if (state === "open") {
      state = "finished";
      await watch(send("commit"));
    }
    return result;
  } catch (error) {
    if (state === "open" && usable) {
      state = "finished";
      await watch(send("rollback")).catch(() => undefined);
    }
    throw error;
  } finally {
    if (usable) connection.release();
  }
}

export async function rawQuery<T = Record<string, unknown>>(handle: DatabaseHandle, text: string, params: unknown[] = []): Promise<T[]> {
  if (handle.sql) return (await handle.sql.unsafe(text, params as never[])) as unknown as T[];
  return (await handle.pglite!.query<T>(text, params)).rows;
}
