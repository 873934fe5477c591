import type { PdpOptions } from "./pdp-options";

/** The decision-relevant settings (lib/settings) as the engine's options. */
export function pdpOptionsFromSettings(settings: { pdpForbidErrors: PdpOptions["forbidErrors"]; pdpSubjectTypes: Record<string, string>; pdpResourceTypes: Record<string, string> }): PdpOptions {
  const lower = (table: Record<string, string>) => Object.fromEntries(Object.entries(table).map(([key, value]) => [key.toLowerCase(), value]));
  return { forbidErrors: settings.pdpForbidErrors, subjectTypes: lower(settings.pdpSubjectTypes), resourceTypes: lower(settings.pdpResourceTypes) };
}
