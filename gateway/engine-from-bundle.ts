import { createHash } from "node:crypto";
import type { CedarEntity } from "@/lib/policies/cedar";
import type { PolicySetContent } from "@/lib/policies/content";
import { PolicyEngine } from "@/lib/policies/engine";

/** The published bundle as GET /api/v1/policies/bundle returns it (docs/policies.md). */
export type PolicyBundle = {
  revision: string;
  etag: string;
  publishedAt?: string;
  policies: { id: string; description?: string; frameworkTags?: string[]; text: string }[];
  schema: string;
  entities: CedarEntity[];
  inventory?: unknown;
};

/**
 * The one place the gateway turns a bundle into a PolicyEngine. Until the PDP branch's
 * `engineFromBundle` (lib/policies/bundle-engine.ts, which also applies the bundle's inventory
 * snapshot) is merged, the engine is built from the policies, schema and admin entities alone.
 */
export function engineFromPublishedBundle(bundle: PolicyBundle): PolicyEngine {
  const content: PolicySetContent = {
    policies: bundle.policies.map((policy) => ({ id: policy.id, description: policy.description ?? "", owner: "", frameworkTags: policy.frameworkTags ?? [], source: policy.text })),
    schemaText: bundle.schema,
    entities: bundle.entities,
    tests: [],
  };
  const hash = createHash("sha256").update(bundle.etag).digest("hex");
  const revision = Number(bundle.revision);
  return new PolicyEngine(content, hash, null, Number.isFinite(revision) ? revision : null);
}
