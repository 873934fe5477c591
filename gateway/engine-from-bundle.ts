import { engineFromBundle } from "@/lib/policies/bundle-engine";
import type { PolicyEngine } from "@/lib/policies/engine";

/**
 * The one place the gateway turns a bundle into a PolicyEngine: lib's pure `engineFromBundle`
 * (validates the bundle with zod, applies its inventory snapshot and PDP options), so the gateway
 * decides exactly as the console does for the same revision.
 */
export function engineFromPublishedBundle(bundle: unknown): PolicyEngine {
  return engineFromBundle(bundle);
}

export type { PolicyBundle } from "@/lib/policies/bundle";
