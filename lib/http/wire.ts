/**
 * What `Response.json(value)` puts on the wire for a value of type T, as the browser reads it back:
 * a Date becomes its ISO 8601 string (Date#toJSON), functions drop out, arrays and objects keep their
 * shape. Types only: the browser's response types are derived from what the route returns, so a
 * change on the server breaks the component's build instead of its runtime.
 */
export type Wire<T> = T extends Date
  ? string
  : T extends (...args: never[]) => unknown
    ? never
    : T extends readonly (infer Item)[]
      ? Wire<Item>[]
      : T extends object
        ? { [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]: Wire<T[K]> }
        : T;

/** The wire shape of what an async lib function resolves to (the body a `Response.json(await fn(…))` route sends). */
export type WireResult<F extends (...args: never[]) => unknown> = Wire<Awaited<ReturnType<F>>>;
