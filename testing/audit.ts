import { expect } from "vitest";
import { listAuditRows, type AuditRow } from "@/db/audit";
import type { Executor } from "@/db/client";

/** The newest audit row (highest chain sequence); fails the test when the log is empty. */
export async function lastAuditRow(db: Executor): Promise<AuditRow> {
  const [row] = await listAuditRows(db, {}, 1);
  expect(row, "the audit log is empty").toBeDefined();
  return row!;
}

/**
 * Asserts that the newest audit row matches `expected` (vitest's toMatchObject: named fields only,
 * nested objects partially) and returns it, for the audit row a change must write in its own transaction.
 */
export async function expectAuditRow(db: Executor, expected: Partial<Record<keyof AuditRow, unknown>> & { action: string }): Promise<AuditRow> {
  const row = await lastAuditRow(db);
  expect(row).toMatchObject(expected);
  return row;
}
