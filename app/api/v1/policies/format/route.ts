import { readJson, withApi } from "@/app/_server/with-api";
import { formatPolicyText } from "@/lib/policies/cedar";
import { FormatPolicyInput } from "@/lib/policies/schemas";

export const dynamic = "force-dynamic";

// POST /api/v1/policies/format — Cedar's formatter (changes nothing)
export const POST = withApi({ permission: "policies.read" }, async (request) => {
  const { source } = await readJson(request, FormatPolicyInput);
  return Response.json(formatPolicyText(source));
});
