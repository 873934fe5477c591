import { z } from "zod";
import { sortParam } from "../http/query";
import { FINDING_KINDS, FINDING_STATUSES } from "@/db/enums";

export const ResolveFindingInput = z.object({ findingId: z.string().min(1) });
export const AcceptFindingInput = z.object({
  findingId: z.string().min(1),
  justification: z.string().trim().min(10, "Explain the acceptance in at least 10 characters").max(2000),
  expiresAt: z.coerce.date({ error: "Give the date the acceptance expires" }),
});
/** The orders the findings list offers (agent name, kind, first detected, last detected). */

export const ListFindingsQuery = z.object({
  kind: z.enum(FINDING_KINDS).optional().catch(undefined),
  status: z.enum(FINDING_STATUSES).default("open").catch("open"),
  limit: z.coerce.number().int().min(1).max(500).default(100).catch(100),
  offset: z.coerce.number().int().min(0).default(0).catch(0),
  /** `key` ascending, `-key` descending; newest detection first by default. */
  sort: sortParam(["agent", "kind", "since", "detected"], "-detected").catch("-detected"),
});
export type ListFindingsQuery = z.infer<typeof ListFindingsQuery>;

export const FINDING_LABELS: Record<(typeof FINDING_KINDS)[number], string> = {
  orphaned: "Orphaned (no active owner)",
  stale: "Stale (no recent decisions)",
  discovered: "Discovered / shadow",
  out_of_scope: "Out-of-scope activity",
  standing_privilege: "Standing privilege",
  no_backup_owner: "No backup owner",
  attestation_overdue: "Attestation overdue",
  wide_scope: "Task token with wide scope",
  delegation_depth_exceeded: "Delegation beyond the maximum depth",
  unexpected_trust_domain: "SPIFFE ID from an unexpected trust domain",
  standing_credential_in_use: "Standing credential seen in use (no task token)",
};
