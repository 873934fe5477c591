import csaMaestro from "./csa-maestro.json";
import nistAiRmf from "./nist-ai-rmf-1.0.json";
import nistCsf from "./nist-csf-2.0.json";
import nistZta from "./nist-sp-800-207.json";
import owaspThreats from "./owasp-agentic-threats-mitigations.json";
import owaspAsi from "./owasp-agentic-top10-2026.json";
import owaspNhi from "./owasp-nhi-top10-2025.json";
import { CatalogDocument } from "../schemas";

/**
 * Catalogs shipped with Steward. Ids and titles come from the publishers (see docs/frameworks.md
 * for sources and pitfalls); descriptions are Steward's own words.
 */
export const SHIPPED_CATALOGS: readonly CatalogDocument[] = [owaspAsi, owaspThreats, owaspNhi, csaMaestro, nistAiRmf, nistZta, nistCsf].map((doc) =>
  CatalogDocument.parse(doc),
);
