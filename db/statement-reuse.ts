import type { Sql } from "postgres";

/**
 * The most parameters a statement may have and still be prepared. Statements with more are mostly
 * multi-row inserts whose text changes with the row count: preparing each would only fill the cache.
 */
export const MAX_PREPARED_PARAMETERS = 100;

/**
 * A postgres.js client whose parameterized `unsafe` statements are prepared (named, cached per
 * connection) instead of unnamed.
 *
 * Why: postgres.js sends an unnamed statement with parameters as Parse + Describe, waits for the
 * server's parameter types, then sends Bind + Execute — two round trips and a parse on every call.
 * `unsafe` is unnamed unless told otherwise, and drizzle runs every query through it. A prepared
 * statement takes that round trip once per connection; later calls are one Bind + Execute, and the
 * server may reuse its plan. Tagged-template queries are prepared by postgres.js already.
 *
 * The cache lives on each connection, which postgres.js replaces every 30–60 minutes, so statements
 * whose text varies (an `in (…)` list of changing length) cannot grow it without bound. Nothing
 * new is asked of a pooler in front of PostgreSQL: the console's tagged-template queries were
 * prepared statements already.
 */
export function withStatementReuse(sql: Sql): Sql {
  return new Proxy(sql, {
    get(target, property) {
      if (property === "unsafe") {
        return (...args: Parameters<Sql["unsafe"]>) => {
          const [text, parameters, options] = args;
          if (Array.isArray(parameters) && parameters.length > 0 && parameters.length <= MAX_PREPARED_PARAMETERS) return target.unsafe(text, parameters, { ...options, prepare: true });
          return target.unsafe(...args);
        };
      }
      // A transaction's or savepoint's client is a new object: it gets the same treatment.
      if (property === "begin" || property === "savepoint") {
        return (...args: unknown[]) => {
          const callback = args.pop() as (tx: Sql) => unknown;
          const open = Reflect.get(target, property, target) as (...a: unknown[]) => unknown;
          return open.apply(target, [...args, (tx: Sql) => callback(withStatementReuse(tx))]);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
