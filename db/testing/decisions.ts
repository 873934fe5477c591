import { randomUUID } from "node:crypto";
import type { Executor } from "../client";
import { decisions } from "../schema";

export type TestDecision = {
  agentId: string;
  agentRef?: string;
  action: string;
  resourceType?: string;
  outcome?: "allow" | "deny" | "approval_required" | "error";
  time?: Date;
  enforcementPointId?: string;
  delegation?: string[];
};

/** Test-only: records decisions as plain rows, the way ingest stores them. */
export async function recordTestDecisions(db: Executor, rows: TestDecision[]): Promise<void> {
  if (!rows.length) return;
  await db.insert(decisions).values(
    rows.map((row) => ({
      enforcementPointId: row.enforcementPointId ?? "ep_test",
      decisionId: randomUUID(),
      time: row.time ?? new Date(),
      agentId: row.agentId,
      agentRef: row.agentRef ?? row.agentId,
      actionName: row.action,
      resourceType: row.resourceType ?? "Document",
      resourceId: "doc-1",
      outcome: row.outcome ?? "allow",
      delegation: row.delegation ?? null,
      contentHash: "test",
    })),
  );
}
