import { asc } from "drizzle-orm";
import type { Executor } from "./client";
import { agentIdentities, agents, people, teams } from "./schema";

/** Everything the agents CSV export needs: agents by name (then id), people's emails, teams, identities. */
export async function readAgentsForExport(db: Executor) {
  const [agentRows, peopleRows, teamRows, identityRows] = await Promise.all([
    db.select().from(agents).orderBy(asc(agents.name), asc(agents.id)),
    db.select({ id: people.id, email: people.email }).from(people),
    db.select().from(teams),
    db.select().from(agentIdentities),
  ]);
  return { agentRows, peopleRows, teamRows, identityRows };
}
