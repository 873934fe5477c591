import type { Sql } from "postgres";
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
 * rolls back. On PostgreSQL, `finish`'s statements go out with the COMMIT, so a transaction of BEGIN
 * and two batches is three round trips, not four.
 */
export async function withRawTransaction<T>(handle: DatabaseHandle, fn: (query: RawQuery, together: Together, finish: Finish) => Promise<T>): Promise<T> {
  if (handle.sql) return finishedWithCommit(handle.sql, fn);
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
 * postgres.js's `begin` (which owns the connection, its BEGIN, and its loss) sends COMMIT once its
 * callback settles. `finish` issues its statements and then settles that callback at once, so the
 * COMMIT leaves in the same write as the statements; `finish` answers once the COMMIT has.
 * (`sql.reserve()` would also spare BEGIN's round trip, but postgres.js 3.4.9 never hands over a
 * reserved connection it had to reconnect for it, and the transaction hangs.)
 */
async function finishedWithCommit<T>(sql: Sql, fn: (query: RawQuery, together: Together, finish: Finish) => Promise<T>): Promise<T> {
  let finishCalled!: () => void;
  const finishing = new Promise<void>((resolve) => (finishCalled = resolve));
  let commitDone!: (error?: unknown) => void;
  const commit = new Promise<void>((resolve, reject) => (commitDone = (error) => (error === undefined ? resolve() : reject(error))));
  commit.catch(() => undefined); // awaited only by a finish, which rethrows it
  let outcome: Promise<T> | undefined;
  let finished = false;
  try {
    await sql.begin(async (tx) => {
      // execute(): queued on the connection now, in call order, so finish's statements precede the COMMIT.
      const send = <R,>(text: string, params: unknown[] = []) => tx.unsafe(text, params as never[]).execute() as unknown as Promise<R[]>;
      const query: RawQuery = (text, params) => (finished ? Promise.reject(new Error(AFTER_FINISH)) : send(text, params));
      const finish: Finish = async (...statements) => {
        if (finished) throw new Error(AFTER_FINISH);
        finished = true;
        const sent = statements.map((statement) => (statement ? send(statement.text, statement.params) : Promise.resolve([])));
        const settled = Promise.allSettled(sent);
        finishCalled();
        await commit;
        const failed = (await settled).find((result) => result.status === "rejected");
        // A failed statement aborted the transaction: PostgreSQL answered the COMMIT with a rollback.
        if (failed) throw failed.reason;
        return (await settled).map((result) => (result as PromiseFulfilledResult<unknown[]>).value);
      };
      outcome = fn(query, pipelined, finish);
      outcome.catch(() => undefined); // answered below, after the transaction
      await Promise.race([outcome, finishing]);
    });
    commitDone();
  } catch (error) {
    commitDone(error);
    if (!finished) throw error;
  }
  return outcome!;
}

export async function rawQuery<T = Record<string, unknown>>(handle: DatabaseHandle, text: string, params: unknown[] = []): Promise<T[]> {
  if (handle.sql) return (await handle.sql.unsafe(text, params as never[])) as unknown as T[];
  return (await handle.pglite!.query<T>(text, params)).rows;
}
