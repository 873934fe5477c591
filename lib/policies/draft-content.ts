import type { Executor } from "@/db/client";
import { getWorkspace, listDraftPolicies, listDraftTests, type PolicyRow, type PolicyTestRow } from "@/db/policies";
import type { CedarEntity } from "./cedar";
import type { PolicyDoc, PolicySetContent, PolicyTestDoc } from "./content";
import { DEFAULT_CEDAR_SCHEMA } from "./default-schema";

export const toPolicyDoc = (row: PolicyRow): PolicyDoc => ({ id: row.id, description: row.description, owner: row.owner, frameworkTags: row.frameworkTags, source: row.source });
export const toTestDoc = (row: PolicyTestRow): PolicyTestDoc => ({
  id: row.id,
  name: row.name,
  request: row.request as PolicyTestDoc["request"],
  entities: row.entities as CedarEntity[],
  expectedDecision: row.expectedDecision,
  expectedPolicies: row.expectedPolicies ?? null,
});

export async function loadDraftContent(db: Executor): Promise<PolicySetContent> {
  const [policyRows, testRows, workspace] = await Promise.all([listDraftPolicies(db), listDraftTests(db), getWorkspace(db, DEFAULT_CEDAR_SCHEMA)]);
  return { policies: policyRows.map(toPolicyDoc), schemaText: workspace.schemaText, entities: workspace.entities as CedarEntity[], tests: testRows.map(toTestDoc) };
}

