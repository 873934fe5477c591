"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action } from "@/app/_server/action";
import { addMapping } from "@/lib/frameworks/add-mapping";
import { attestManualEvidence } from "@/lib/frameworks/attest-manual-evidence";
import { importFramework } from "@/lib/frameworks/import-framework";
import { removeMapping } from "@/lib/frameworks/remove-mapping";
import { reviewManualEvidence } from "@/lib/frameworks/review-manual-evidence";
import { ApplicabilityInput, MappingInput, MappingRemovalQuery, ReviewManualEvidenceInput } from "@/lib/frameworks/schemas";
import { setItemApplicability } from "@/lib/frameworks/set-item-applicability";
import { parseJsonText } from "@/lib/http/json-body";

export const addMappingAction = action("frameworks.manage", MappingInput, async (ctx, input) => {
  const mapping = await addMapping({ ctx, input });
  revalidatePath(`/frameworks/${input.frameworkId}`);
  return { controlId: mapping.controlId, itemId: mapping.itemId };
});

export const removeMappingAction = action("frameworks.manage", MappingRemovalQuery, async (ctx, input) => {
  await removeMapping({ ctx, input });
  revalidatePath(`/frameworks/${input.frameworkId}`);
  return { removed: true };
});

const ApplicabilityForm = ApplicabilityInput.extend({
  notApplicableReason: z.string().trim().max(2000).transform((value) => value || null),
});

export const setApplicabilityAction = action("frameworks.manage", ApplicabilityForm, async (ctx, input) => {
  await setItemApplicability({ ctx, input });
  revalidatePath(`/frameworks/${input.frameworkId}`);
  return { itemId: input.itemId };
});

const EvidenceForm = z.object({
  controlId: z.string().min(1),
  url: z.string().trim(),
  attestation: z.string(),
  expiresAt: z.string().min(1, "pick an expiry date"),
});

export const attestEvidenceAction = action("frameworks.manage", EvidenceForm, async (ctx, input) => {
  const evidence = await attestManualEvidence({ ctx, input: { controlId: input.controlId, kind: "link", url: input.url, attestation: input.attestation, expiresAt: input.expiresAt } });
  revalidatePath("/frameworks/controls");
  return { id: evidence.id };
});

export const reviewEvidenceAction = action("frameworks.manage", ReviewManualEvidenceInput, async (ctx, input) => {
  const evidence = await reviewManualEvidence({ ctx, input });
  revalidatePath("/frameworks/controls");
  return { id: evidence.id };
});

const ImportForm = z.object({
  format: z.enum(["steward-json", "oscal-catalog"]),
  frameworkId: z.string().trim().transform((value) => value || undefined),
  document: z.string().min(2, "paste the catalog JSON").max(5_000_000),
});

export const importFrameworkAction = action("frameworks.import", ImportForm, async (ctx, input) => {
  // The same depth limit as every JSON body (lib/http/json-body.ts); the form caps the size.
  const document = parseJsonText(input.document, { what: "The catalog" });
  const result = await importFramework({ ctx, input: { format: input.format, frameworkId: input.frameworkId, document } });
  revalidatePath("/frameworks");
  return { frameworkId: result.framework.id, items: result.items };
});
