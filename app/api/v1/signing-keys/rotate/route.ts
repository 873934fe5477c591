import { z } from "zod";
import { readJson, withApi } from "@/app/_server/with-api";
import { rotateSigningKey } from "@/lib/identity/signing-keys";

export const dynamic = "force-dynamic";

const Body = z.object({ leadSeconds: z.number().int().min(0).max(86_400).optional().describe("How long the new key is published before it signs (default 60)") });

// POST /api/v1/signing-keys/rotate — publish a new task-token signing key; it signs after leadSeconds
export const POST = withApi({ permission: "identity.manage" }, async (request, ctx) => Response.json(await rotateSigningKey({ ctx, input: await readJson(request, Body) })));
