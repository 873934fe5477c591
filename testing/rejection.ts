import { expect } from "vitest";

/**
 * Test-only: the error `promise` rejects with, asserted to be a `kind` (the test fails if the
 * promise resolves, or rejects with something else).
 */
export async function rejectionOf<E>(promise: Promise<unknown>, kind: abstract new (...args: never[]) => E): Promise<E> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(kind);
  return error as E;
}
