import { createHash } from "node:crypto";
import { canonicalJson } from "../audit/canonical-json";
import type { ReportContent } from "./report-content";

/** SHA-256 (hex) of a report's canonical JSON content: what the snapshot stores, anchors and verifies. */
export function reportHash(content: ReportContent): string {
  return createHash("sha256").update(canonicalJson(content)).digest("hex");
}
