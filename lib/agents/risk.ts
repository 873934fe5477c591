import type { RISK_TIERS } from "@/db/enums";
import { countNoun } from "../count-noun";

export type RiskTier = (typeof RISK_TIERS)[number];

export type RiskInputs = {
  environment: string | null;
  credentialKind: string | null;
  credentialMaxLifetimeSeconds: number | null;
  dataSensitivity: string | null;
  declaredActions: readonly string[];
  /** Observed: actions used but not declared, and denies, in the observation window. */
  outOfScopeActions: number;
  denies: number;
  decisions: number;
};

const TIER_ORDER: Record<RiskTier, number> = { low: 0, medium: 1, high: 2, critical: 3 };
export const riskRank = (tier: RiskTier) => TIER_ORDER[tier];

/**
 * Points per risk factor; the tier follows the total. Kept deliberately simple so every reason
 * shown to a person maps to one rule here.
 */
export function computeRisk(input: RiskInputs, maxCredentialLifetimeSeconds: number): { tier: RiskTier; reasons: string[] } {
  const reasons: string[] = [];
  let points = 0;
  const add = (n: number, reason: string) => {
    points += n;
    reasons.push(reason);
  };
  if (input.credentialKind === "static_api_key" || input.credentialKind === "shared_secret") add(3, `Holds a standing ${input.credentialKind === "static_api_key" ? "static API key" : "shared secret"}`);
  else if (input.credentialKind === null) add(1, "Credential posture unknown");
  if (input.credentialMaxLifetimeSeconds !== null && input.credentialMaxLifetimeSeconds > maxCredentialLifetimeSeconds) {
    add(2, `Credentials live ${input.credentialMaxLifetimeSeconds}s, over the ${maxCredentialLifetimeSeconds}s limit`);
  }
  if (input.dataSensitivity === "restricted") add(3, "Handles restricted data");
  else if (input.dataSensitivity === "confidential") add(2, "Handles confidential data");
  else if (input.dataSensitivity === null) add(1, "Data sensitivity unknown");
  if (input.declaredActions.some((action) => action === "*" || action.endsWith("*"))) add(2, "Declared scope contains a wildcard");
  else if (input.declaredActions.length > 20) add(1, `Broad declared scope (${input.declaredActions.length} actions)`);
  if (input.environment === "prod") add(1, "Runs in production");
  if (input.outOfScopeActions > 0) add(2, `Used ${countNoun(input.outOfScopeActions, "action")} outside its declared scope`);
  if (input.decisions > 0 && input.denies / input.decisions > 0.1) add(1, `${Math.round((input.denies / input.decisions) * 100)}% of its requests were denied`);
  const tier: RiskTier = points >= 7 ? "critical" : points >= 4 ? "high" : points >= 2 ? "medium" : "low";
  return { tier, reasons };
}
