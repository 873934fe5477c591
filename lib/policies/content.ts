import { createHash } from "node:crypto";
import { canonicalJson } from "../audit/canonical-json";
import type { CedarEntity } from "./cedar";

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

/** Order-independent: the same set hashes the same however its rows were listed. */
export function hashContent(content: PolicySetContent): string {
  const sorted = { ...content, policies: [...content.policies].sort((a, b) => a.id.localeCompare(b.id)), tests: [...content.tests].sort((a, b) => a.id.localeCompare(b.id)) };
  return createHash("sha256").update(canonicalJson(sorted)).digest("hex");
}

export const policyTexts = (content: Pick<PolicySetContent, "policies">): Record<string, string> => Object.fromEntries(content.policies.map((policy) => [policy.id, policy.source]));
