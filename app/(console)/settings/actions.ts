"use server";

import { revalidatePath } from "next/cache";
import { action } from "@/app/_server/action";
import { CreateApiTokenInput, createApiToken, RevokeApiTokenInput, revokeApiToken } from "@/lib/api-tokens/api-tokens";
import { SettingsPatchSchema, updateSettings } from "@/lib/settings/settings";

export const createApiTokenAction = action("tokens.manage_own", CreateApiTokenInput, async (ctx, input) => {
  const created = await createApiToken({ ctx, input });
  revalidatePath("/settings");
  return { prefix: created.token.prefix, secret: created.plaintext };
});

export const revokeApiTokenAction = action("tokens.manage_own", RevokeApiTokenInput, async (ctx, input) => {
  await revokeApiToken({ ctx, input });
  revalidatePath("/settings");
});

export const updateSettingsAction = action("settings.manage", SettingsPatchSchema, async (ctx, input) => {
  const settings = await updateSettings({ ctx, input });
  revalidatePath("/settings");
  return settings;
});
