import { readJson, withApi } from "@/app/_server/with-api";
import { getDb } from "@/db/client";
import { getWorkspace } from "@/db/policies";
import { DEFAULT_CEDAR_SCHEMA } from "@/lib/policies/default-schema";
import { ValidatePolicyInput } from "@/lib/policies/schemas";
import { validatePolicySource } from "@/lib/policies/validate";

export const dynamic = "force-dynamic";

// POST /api/v1/policies/validate — parse and validate one policy's text against the draft schema (changes nothing)
export const POST = withApi({ permission: "policies.read" }, async (request) => {
  const { policyId, source } = await readJson(request, ValidatePolicyInput);
  const workspace = await getWorkspace(await getDb(), DEFAULT_CEDAR_SCHEMA);
  return Response.json(validatePolicySource(policyId, source, workspace.schemaText));
});
