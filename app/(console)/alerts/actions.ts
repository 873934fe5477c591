"use server";

import { revalidatePath } from "next/cache";
import { action } from "@/app/_server/action";
import { createAlertRule, deleteAlertRule, transitionAlert, updateAlertRule } from "@/lib/outbound/alerts";
import { createDestination, deleteDestination, resumeDestination, testDestination, updateDestination } from "@/lib/outbound/destinations";
import { AlertRuleForm, DestinationForm, EnabledForm, IdForm } from "@/lib/outbound/forms";

const ALERTS = "/alerts";
const DESTINATIONS = "/alerts/destinations";
const RULES = "/alerts/rules";

export const createDestinationAction = action("outbound.manage", DestinationForm, async (ctx, input) => {
  const result = await createDestination({ ctx, input });
  revalidatePath(DESTINATIONS);
  return { name: result.destination.name, signingSecret: result.signingSecret ?? null };
});

export const testDestinationAction = action("outbound.manage", IdForm, async (ctx, { id }) => testDestination({ ctx, id }));

export const resumeDestinationAction = action("outbound.manage", IdForm, async (ctx, { id }) => {
  const view = await resumeDestination({ ctx, id });
  revalidatePath(DESTINATIONS);
  return { name: view.name };
});

export const setDestinationEnabledAction = action("outbound.manage", EnabledForm, async (ctx, { id, enabled }) => {
  const view = await updateDestination({ ctx, id, input: { enabled } });
  revalidatePath(DESTINATIONS);
  return { name: view.name, enabled: view.enabled };
});

export const deleteDestinationAction = action("outbound.manage", IdForm, async (ctx, { id }) => {
  await deleteDestination({ ctx, id });
  revalidatePath(DESTINATIONS);
  return { id };
});

export const createAlertRuleAction = action("alerts.manage", AlertRuleForm, async (ctx, input) => {
  const rule = await createAlertRule({ ctx, input });
  revalidatePath(RULES);
  return { name: rule.name };
});

export const setAlertRuleEnabledAction = action("alerts.manage", EnabledForm, async (ctx, { id, enabled }) => {
  const rule = await updateAlertRule({ ctx, id, input: { enabled } });
  revalidatePath(RULES);
  return { name: rule.name, enabled: rule.enabled };
});

export const deleteAlertRuleAction = action("alerts.manage", IdForm, async (ctx, { id }) => {
  await deleteAlertRule({ ctx, id });
  revalidatePath(RULES);
  return { id };
});

export const acknowledgeAlertAction = action("alerts.manage", IdForm, async (ctx, { id }) => {
  const alert = await transitionAlert({ ctx, id, to: "acknowledged" });
  revalidatePath(ALERTS);
  return { status: alert.status };
});

export const resolveAlertAction = action("alerts.manage", IdForm, async (ctx, { id }) => {
  const alert = await transitionAlert({ ctx, id, to: "resolved" });
  revalidatePath(ALERTS);
  return { status: alert.status };
});
