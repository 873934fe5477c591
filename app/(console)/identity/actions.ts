"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action } from "@/app/_server/action";
import { StewardError } from "@/lib/errors";
import { parseJsonText } from "@/lib/http/json-body";
import { saveSecret } from "@/lib/identity/secret-store";
import { rotateSigningKey } from "@/lib/identity/signing-keys";
import { createTrustDomain } from "@/lib/identity/trust-domains";

const PATH = "/identity";

const TrustDomainForm = z.object({
  name: z.string(),
  source: z.enum(["jwks", "spiffe_bundle", "oidc"]),
  url: z.string().optional(),
  jwks: z.string().optional(),
  allowedAlgs: z.union([z.string(), z.array(z.string())]).optional(),
});

export const createTrustDomainAction = action("identity.manage", TrustDomainForm, async (ctx, form) => {
  let jwks: unknown;
  if (form.source === "jwks") {
    try {
      jwks = parseJsonText(form.jwks ?? "", { what: "The JWKS" });
    } catch {
      throw new StewardError("invalid_input", "Paste the JWKS as JSON: {\"keys\": [...]}", { path: "jwks" });
    }
  }
  const allowedAlgs = form.allowedAlgs === undefined ? undefined : Array.isArray(form.allowedAlgs) ? form.allowedAlgs : [form.allowedAlgs];
  const view = await createTrustDomain({ ctx, input: { name: form.name, source: form.source, url: form.source === "jwks" ? null : form.url || null, jwks, allowedAlgs } });
  revalidatePath(PATH);
  return { name: view.name };
});

export const rotateSigningKeyAction = action("identity.manage", z.object({ leadSeconds: z.coerce.number().int().min(0).max(86_400).default(60) }), async (ctx, input) => {
  const result = await rotateSigningKey({ ctx, input });
  revalidatePath(PATH);
  return { kid: result.kid, activatesAt: result.activatesAt.toISOString() };
});

export const saveSecretAction = action("secrets.manage", z.object({ name: z.string(), description: z.string().optional(), upstream: z.string(), audience: z.string().optional(), secretValue: z.string() }), async (ctx, { secretValue, ...input }) => {
  // The field is named secretValue so a failed submission never echoes it back (app/_server/action.ts).
  const view = await saveSecret({ ctx, input: { ...input, value: secretValue, audience: input.audience || null } });
  revalidatePath(PATH);
  return { name: view.name };
});
