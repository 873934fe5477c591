"use server";

import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { z } from "zod";
import { action } from "@/app/_server/action";
import { registerEnforcementPoint } from "@/lib/enforcement-points/register-enforcement-point";
import { revokeEnforcementPointTokens } from "@/lib/enforcement-points/revoke-enforcement-point-tokens";
import { rotateEnforcementPointToken } from "@/lib/enforcement-points/rotate-enforcement-point-token";
import { EnforcementPointIdInput, OpaMapping, RegisterEnforcementPointInput, RotateTokenInput, UpdateAudiencesInput } from "@/lib/enforcement-points/schemas";
import { setEnforcementPointEnabled } from "@/lib/enforcement-points/set-enforcement-point-enabled";
import { updateAudiences } from "@/lib/enforcement-points/update-audiences";
import { updateOpaMapping } from "@/lib/enforcement-points/update-opa-mapping";
import { senderSnippets, type SnippetTarget } from "@/lib/enforcement-points/sender-config";

const PATH = "/enforcement-points";

/** Sender configurations for a token just issued to `target`, naming this console by the Origin action() already checked. */
async function snippetsFor(token: string, target: SnippetTarget) {
  return senderSnippets((await headers()).get("origin") ?? "", token, target);
}

export const registerEnforcementPointAction = action("enforcement_points.manage", RegisterEnforcementPointInput, async (ctx, input) => {
  const result = await registerEnforcementPoint({ ctx, input });
  revalidatePath(PATH);
  return { name: result.enforcementPoint.name, token: result.token, snippets: await snippetsFor(result.token, result.enforcementPoint) };
});

export const rotateEnforcementPointTokenAction = action("enforcement_points.manage", RotateTokenInput, async (ctx, input) => {
  const result = await rotateEnforcementPointToken({ ctx, input });
  revalidatePath(PATH);
  return { name: result.enforcementPoint.name, token: result.token, previousTokenExpiresAt: result.previousTokenExpiresAt.toISOString(), snippets: await snippetsFor(result.token, result.enforcementPoint) };
});

export const revokeEnforcementPointTokensAction = action("enforcement_points.manage", EnforcementPointIdInput, async (ctx, input) => {
  const result = await revokeEnforcementPointTokens({ ctx, input });
  revalidatePath(PATH);
  return { name: result.name };
});

const SetEnabledForm = EnforcementPointIdInput.extend({ enabled: z.enum(["true", "false"]).transform((value) => value === "true") });
export const setEnforcementPointEnabledAction = action("enforcement_points.manage", SetEnabledForm, async (ctx, input) => {
  const result = await setEnforcementPointEnabled({ ctx, input });
  revalidatePath(PATH);
  return { name: result.name, enabled: result.enabled };
});

const OpaMappingForm = EnforcementPointIdInput.extend(OpaMapping.shape);
export const updateOpaMappingAction = action("enforcement_points.manage", OpaMappingForm, async (ctx, { id, ...mapping }) => {
  const result = await updateOpaMapping({ ctx, input: { id, mapping } });
  revalidatePath(PATH);
  return { name: result.name };
});

export const updateAudiencesAction = action("enforcement_points.manage", UpdateAudiencesInput, async (ctx, input) => {
  const result = await updateAudiences({ ctx, input });
  revalidatePath(PATH);
  return { name: result.name, audiences: result.audiences };
});
