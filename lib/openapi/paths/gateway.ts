import { z } from "zod";
import { GatewayReport, ListMcpServersQuery, RegisterMcpServerInput } from "@/lib/gateway/schemas";
import { AuthzenDecisionResponse, AuthzenRequest } from "@/lib/policies/authzen";
import type { ApiOperation } from "../operation";

const base = { tag: "MCP servers" } as const;

export const gatewayOperations: ApiOperation[] = [
  { ...base, auth: "user", method: "get", path: "/api/v1/mcp-servers", summary: "List the upstream MCP servers registered for Steward Gateways, by name unless ?sort= says otherwise", permission: "mcp_servers.read", query: ListMcpServersQuery, responses: { 200: { description: "Registered servers", schema: z.object({ mcpServers: z.array(z.record(z.string(), z.unknown())) }) } } },
  { ...base, auth: "user", method: "post", path: "/api/v1/mcp-servers", summary: "Register an upstream MCP server (http URL or stdio command); gateways serve it at /mcp/<name>. Credentials stay with each gateway.", permission: "mcp_servers.manage", body: RegisterMcpServerInput, responses: { 201: { description: "Registered" }, 409: { description: "The name is taken" } } },
  { ...base, auth: "user", method: "delete", path: "/api/v1/mcp-servers/{id}", summary: "Remove a registered MCP server", permission: "mcp_servers.manage", responses: { 204: { description: "Removed" }, 404: { description: "No such server" } } },
  { ...base, auth: "enforcement_point", method: "get", path: "/api/v1/gateway/upstreams", summary: "The registered MCP servers, as an MCP gateway pulls them", permission: "gateway.sync", responses: { 200: { description: "Servers without credentials" } } },
  {
    ...base,
    auth: "enforcement_point",
    method: "get",
    path: "/api/v1/gateway/trust-bundles",
    summary: "SPIFFE trust domains (JWT bundles, allowed algorithms) and the SPIFFE IDs registered on agents, so an MCP gateway verifies JWT-SVIDs locally. Send If-None-Match with the last ETag: 304 when unchanged.",
    permission: "gateway.sync",
    responses: {
      200: {
        description: "The bundles and the SPIFFE ID → agent map (an SVID whose SPIFFE ID is not listed gets nothing)",
        schema: z.object({
          trustDomains: z.array(z.object({ name: z.string(), allowedAlgs: z.array(z.string()), keys: z.array(z.record(z.string(), z.unknown())).describe("Public JWKs of the domain's JWT-SVID signing keys") })),
          spiffeIds: z.array(z.object({ spiffeId: z.string(), agentId: z.string(), status: z.string() })),
          maxSvidSeconds: z.number().int().describe("An SVID living longer than this (exp − iat) is refused"),
        }),
      },
      304: { description: "Unchanged since the ETag sent in If-None-Match" },
    },
  },
  { ...base, auth: "enforcement_point", method: "post", path: "/api/v1/gateway/evaluation", summary: "The console's PDP for an MCP gateway: a requestable denial with a console-signed binding token (context.access_request), or an approval at context.approval checked and, if one-use, consumed. Not recorded (the gateway records the call).", permission: "gateway.sync", body: AuthzenRequest, responses: { 200: { description: "The decision, with context.determining_policies and policy_revision", schema: AuthzenDecisionResponse }, 400: { description: "Malformed request: an error message string (text/plain)" }, 403: { description: "Not an enforcement point" } } },
  { ...base, auth: "enforcement_point", method: "post", path: "/api/v1/gateway/report", summary: "An MCP gateway's status (policy revision, spool backlog, upstreams) and the tools its upstreams listed (the tool catalog)", permission: "gateway.sync", body: GatewayReport, responses: { 200: { description: "Stored", schema: z.object({ tools: z.number().int() }) }, 403: { description: "Not an enforcement point of kind mcp-gateway" } } },
];
