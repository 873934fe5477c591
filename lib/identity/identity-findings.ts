import type { Executor } from "@/db/client";
import type { EventFindingKind } from "@/db/identity/findings";
import { upsertDetectedFindings } from "@/db/findings";
import { newId } from "../ids";

/** A task token with more scope entries than this is a "wide scope" finding on its agent. */
export const WIDE_SCOPE_ENTRIES = 10;

/**
 * Opens (or re-opens, with the new detail) an event-raised finding on an agent. An accepted
 * finding stays accepted until its acceptance expires, as for computed findings.
 */
export async function noteIdentityFinding(db: Executor, agentId: string, kind: EventFindingKind, detail: string, now = new Date()): Promise<void> {
  await upsertDetectedFindings(db, [{ id: newId("fnd"), agentId, kind, detail: detail.slice(0, 1000) }], now);
}
