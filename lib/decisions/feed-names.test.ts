import { expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { agents } from "@/db/schema";
import { suiteDatabase } from "@/testing/database";
import { testDecisionSummary } from "@/testing/decisions";
import { AGENT_NAME_TTL_MS, publishDecisions, subscribeToDecisions } from "./feed";
import type { DecisionSummary } from "./schemas";

const database = suiteDatabase();

/** Publishes one decision by the agent and returns the name the feed gave it. */
async function nameInFeed(agentId: string, received: DecisionSummary[][], sequence: number): Promise<string | null | undefined> {
  await publishDecisions([testDecisionSummary(new Date().toISOString(), { agentId, decisionId: `dec-${sequence}` })]);
  return received.at(-1)?.find((decision) => decision.decisionId === `dec-${sequence}`)?.agentName;
}

it("a renamed or deleted agent's new name reaches the feed at once, not when the cached name expires", async () => {
  const received: DecisionSummary[][] = [];
  const unsubscribe = await subscribeToDecisions((batch) => received.push(batch));
  try {
    const agentId = `agt_feed_${Date.now()}`;
    await database.db.insert(agents).values({ id: agentId, name: "Before", status: "active" });
    expect(await nameInFeed(agentId, received, 1)).toBe("Before");

    // Any path that changes the name (here plain SQL) notifies at commit; the next batch is named anew.
    await database.db.update(agents).set({ name: "After" }).where(eq(agents.id, agentId));
    const waitLimitMs = 3_000;
    expect(waitLimitMs).toBeLessThan(AGENT_NAME_TTL_MS);
    await expect.poll(async () => nameInFeed(agentId, received, 2), { timeout: waitLimitMs, interval: 50 }).toBe("After");

    await database.db.delete(agents).where(eq(agents.id, agentId));
    await expect.poll(async () => nameInFeed(agentId, received, 3), { timeout: waitLimitMs, interval: 50 }).toBeNull();
  } finally {
    unsubscribe();
  }
});
