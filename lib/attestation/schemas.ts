import { z } from "zod";
import { ATTESTATION_OUTCOMES } from "@/db/enums";

export const AttestAgentInput = z
  .object({
    agentId: z.string().min(1),
    outcome: z.enum(ATTESTATION_OUTCOMES),
    /** For "narrowed": the actions to keep; each must already be declared. */
    keepActions: z.preprocess((v) => (typeof v === "string" ? (v ? [v] : []) : v), z.array(z.string().min(1)).optional()),
    /** For "transferred": the person who takes over. */
    newOwnerId: z.string().trim().min(1).optional(),
    note: z.string().trim().max(2000).default(""),
  })
  .refine((v) => v.outcome !== "transferred" || !!v.newOwnerId, { message: "Choose who takes the agent over", path: ["newOwnerId"] })
  .refine((v) => v.outcome !== "narrowed" || v.keepActions !== undefined, { message: "Choose the actions to keep", path: ["keepActions"] });
export type AttestAgentInput = z.infer<typeof AttestAgentInput>;

export const StartCampaignInput = z.object({
  name: z.string().trim().min(1, "Name the campaign").max(200),
  dueInDays: z.coerce.number().int().min(1, "At least 1 day").max(365, "At most 365 days"),
});
export const CampaignIdInput = z.object({ campaignId: z.string().min(1) });
