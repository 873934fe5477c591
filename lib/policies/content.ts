import { createHash } from "node:crypto";
import type { Executor } from "@/db/client";
import { getWorkspace, listDraftPolicies, listDraftTests, type PolicyRow, type PolicyTestRow } from "@/db/policies";
import { canonicalJson } from "../audit/canonical-json";
import type { CedarEntity } from "./cedar";
import { DEFAULT_CEDAR_SCHEMA } from "./default-schema";

export type PolicyDoc = { id: string; description: string; owner: string; frameworkTags: string[]; source: string };
export type PolicyTestDoc = {
  id: string;
  name: string;
  request: { principal: { type: string; id: string }; action: { type: string; id: string }; resource: { type: string; id: string }; context: Record<string, unknown> };
  entities: CedarEntity[];
  expectedDecision: "allow" | "deny";
  expectedPolicies: string[] | null;
};

/** A whole policy set: what a draft holds and what a published version freezes. */
export type PolicySetContent = { policies: PolicyDoc[]; schemaText: string; entities: CedarEntity[]; tests: PolicyTestDoc[] };

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

/** Order-independent: the same set hashes the same however its rows were listed. */
export function hashContent(content: PolicySetContent): string {
  const sorted = { ...content, policies: [...content.policies].sort((a, b) => a.id.localeCompare(b.id)), tests: [...content.tests].sort((a, b) => a.id.localeCompare(b.id)) };
  return createHash("sha256").update(canonicalJson(sorted)).digest("hex");
}

export const policyTexts = (content: Pick<PolicySetContent, "policies">): Record<string, string> => Object.fromEntries(content.policies.map((policy) => [policy.id, policy.source]));
