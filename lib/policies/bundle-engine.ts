import { PolicyBundle, contentOfBundle } from "./bundle";
import { PolicyEngine } from "./engine";

/**
 * Builds the PolicyEngine an edge PDP (the MCP gateway) uses from a bundle fetched from
 * `GET /api/v1/policies/bundle`. Pure: no database, no network. The bundle is validated first
 * (zod; throws a ZodError naming the path when it is not a bundle), and the engine then decides
 * exactly as the console's engine for the same revision, inventory and settings.
 */
export function engineFromBundle(bundle: unknown): PolicyEngine {
  const parsed = PolicyBundle.parse(bundle);
  return new PolicyEngine(contentOfBundle(parsed), parsed.contentHash, parsed.inventory, Number(parsed.revision), { inventoryHash: parsed.inventoryHash, options: parsed.pdp });
}
