import { z } from "zod";
import type { CedarEntity } from "./cedar";
import type { PolicySetContent } from "./content";
import { InventorySnapshot, type Inventory } from "./inventory";
import { PdpOptions } from "./pdp-options";

/**
 * What an enforcement point pulls from `GET /api/v1/policies/bundle`: the published policy set,
 * its schema and admin entities, the inventory snapshot and the decision-relevant settings. It is
 * self-sufficient: `engineFromBundle` (bundle-engine.ts) builds from it an engine that decides
 * exactly as the console does. The ETag changes whenever any of these change.
 */
export const PolicyBundle = z.object({
  revision: z.string(),
  etag: z.string(),
  publishedAt: z.string(),
  /** sha-256 (hex) of the published content, as recorded on the version. */
  contentHash: z.string(),
  policies: z.array(z.object({ id: z.string(), description: z.string(), frameworkTags: z.array(z.string()), text: z.string() })),
  schema: z.string(),
  entities: z.array(z.unknown()),
  inventory: InventorySnapshot,
  /** sha-256 (hex) of the inventory and `pdp` together. */
  inventoryHash: z.string(),
  pdp: PdpOptions,
});
export type PolicyBundle = z.infer<typeof PolicyBundle>;

/** Assembles the bundle from a published version and the current inventory and options. */
export function buildPolicyBundle(
  version: { revision: number; contentHash: string; createdAt: Date; content: PolicySetContent },
  inventory: Inventory,
  inventoryHash: string,
  pdp: PdpOptions,
): PolicyBundle {
  const { content } = version;
  return {
    revision: String(version.revision),
    etag: bundleEtag(version.contentHash, version.revision, inventoryHash),
    publishedAt: version.createdAt.toISOString(),
    contentHash: version.contentHash,
    policies: content.policies.map((policy) => ({ id: policy.id, description: policy.description, frameworkTags: policy.frameworkTags, text: policy.source })),
    schema: content.schemaText,
    entities: content.entities as unknown[],
    inventory,
    inventoryHash,
    pdp,
  };
}

/** A strong ETag (RFC 9110 §8.8.3) naming the revision, its content and the inventory/options state. */
export function bundleEtag(contentHash: string, revision: number, inventoryHash: string): string {
  return `"${contentHash.slice(0, 32)}-${revision}-${inventoryHash.slice(0, 32)}"`;
}

/** The bundle's policy set as PolicySetContent (tests are not shipped: they do not decide anything). */
export function contentOfBundle(bundle: PolicyBundle): PolicySetContent {
  return {
    policies: bundle.policies.map((policy) => ({ id: policy.id, description: policy.description, owner: "", frameworkTags: policy.frameworkTags, source: policy.text })),
    schemaText: bundle.schema,
    entities: bundle.entities as CedarEntity[],
    tests: [],
  };
}
