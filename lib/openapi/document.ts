import { z } from "zod";
import type { ApiOperation } from "./operation";
import { approvalOperations } from "./paths/approvals";
import { consoleOperations } from "./paths/console";
import { decisionOperations } from "./paths/decisions";
import { enforcementPointOperations } from "./paths/enforcement-points";
import { frameworksOperations } from "./paths/frameworks";
import { identityOperations } from "./paths/identity";
import { gatewayOperations } from "./paths/gateway";
import { inventoryOperations } from "./paths/inventory";
import { outboundOperations } from "./paths/outbound";
import { policyOperations } from "./paths/policies";
import { systemOperations } from "./paths/system";

/** Every documented operation. Add an area's list here. */
export const API_OPERATIONS: ApiOperation[] = [
  ...systemOperations,
  ...consoleOperations,
  ...enforcementPointOperations,
  ...decisionOperations,
  ...inventoryOperations,
  ...policyOperations,
  ...frameworksOperations,
  ...identityOperations,
  ...gatewayOperations,
  ...outboundOperations,
  ...approvalOperations,
];

const ErrorBody = z.object({
  error: z.object({
    code: z.string().describe("Stable error code, e.g. invalid_input, unauthenticated, forbidden"),
    message: z.string().describe("What was wrong, in words a person can act on"),
    path: z.string().optional().describe("JSON path of the offending input, e.g. $.decisions[3].time"),
  }),
});

const toSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { target: "openapi-3.0", unrepresentable: "any", io: "input" });

/** The OpenAPI 3.0 document served at /api/v1/openapi.json, generated from the zod schemas. */
export function buildOpenApiDocument(serverUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of API_OPERATIONS) {
    const parameters = [
      ...[...op.path.matchAll(/\{(\w+)\}/g)].map((match) => ({ name: match[1], in: "path", required: true, schema: { type: "string" } })),
      ...(op.query
        ? Object.entries(op.query.shape).map(([name, schema]) => ({
            name,
            in: "query",
            required: !(schema as z.ZodType).safeParse(undefined).success,
            schema: toSchema(schema as z.ZodType),
          }))
        : []),
    ];
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(op.responses)) {
      responses[status] = { description: response.description, ...(response.schema ? { content: { "application/json": { schema: toSchema(response.schema) } } } : {}) };
    }
    if (op.auth !== "none") {
      responses["401"] ??= { description: "Missing, invalid, expired or revoked bearer token", content: { "application/json": { schema: toSchema(ErrorBody) } } };
      responses["403"] ??= { description: "The token's holder lacks the permission", content: { "application/json": { schema: toSchema(ErrorBody) } } };
    }
    if (op.body) responses["422"] ??= { description: "The body does not match the schema; names the path", content: { "application/json": { schema: toSchema(ErrorBody) } } };
    (paths[op.path] ??= {})[op.method] = {
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      tags: [op.tag],
      ...(op.auth === "none" ? { security: [] } : { security: [{ [op.auth === "user" ? "personalToken" : "enforcementPointToken"]: [] }] }),
      ...(op.permission !== "public" ? { "x-steward-permission": op.permission } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(op.body
        ? { requestBody: { required: true, content: Object.fromEntries((op.bodyContentTypes ?? ["application/json"]).map((type) => [type, { schema: toSchema(op.body!) }])) } }
        : {}),
      responses,
    };
  }
  return {
    openapi: "3.0.3",
    info: { title: "Steward API", version: "1.0.0", description: "Governance console for AI agents: inventory, decisions, policy and framework evidence." },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: {
        personalToken: { type: "http", scheme: "bearer", description: "A personal API token (stw_pat_…), acting with its owner's role" },
        enforcementPointToken: { type: "http", scheme: "bearer", description: "An enforcement point's ingest token (stw_ep_…)" },
      },
    },
    paths,
  };
}
