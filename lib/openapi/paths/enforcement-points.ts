import { z } from "zod";
import { AudiencesBody, EnforcementPointView, EnforcementPointWithStats, IssuedTokenView, ListEnforcementPointsQuery, OpaMapping, RegisterEnforcementPointInput, RotateTokenBody } from "@/lib/enforcement-points/schemas";
import type { ApiOperation } from "../operation";

const base = { tag: "Enforcement points", auth: "user" } as const;
const one = { 200: { description: "The enforcement point", schema: EnforcementPointView }, 404: { description: "No such enforcement point" } };

export const enforcementPointOperations: ApiOperation[] = [
  { ...base, method: "get", path: "/api/v1/enforcement-points", summary: "List enforcement points with last seen, recent volume and last rejected batch", permission: "enforcement_points.read", query: ListEnforcementPointsQuery, responses: { 200: { description: "All enforcement points", schema: z.object({ enforcementPoints: z.array(EnforcementPointWithStats) }) } } },
  { ...base, method: "post", path: "/api/v1/enforcement-points", summary: "Register an enforcement point; the response carries its ingest token once", permission: "enforcement_points.manage", body: RegisterEnforcementPointInput, responses: { 201: { description: "Registered", schema: IssuedTokenView }, 409: { description: "The name is taken" } } },
  { ...base, method: "get", path: "/api/v1/enforcement-points/{id}", summary: "One enforcement point", permission: "enforcement_points.read", responses: one },
  { ...base, method: "post", path: "/api/v1/enforcement-points/{id}/rotate", summary: "Issue a new token; older tokens keep working for graceHours (default 24, at most 168)", permission: "enforcement_points.manage", body: RotateTokenBody, responses: { 200: { description: "The new token (shown once) and when the old one stops working", schema: IssuedTokenView } } },
  { ...base, method: "post", path: "/api/v1/enforcement-points/{id}/revoke", summary: "End every token of the enforcement point at once", permission: "enforcement_points.manage", responses: one },
  { ...base, method: "post", path: "/api/v1/enforcement-points/{id}/disable", summary: "Refuse its decisions (403) until enabled", permission: "enforcement_points.manage", responses: one },
  { ...base, method: "post", path: "/api/v1/enforcement-points/{id}/enable", summary: "Accept its decisions again", permission: "enforcement_points.manage", responses: one },
  { ...base, method: "put", path: "/api/v1/enforcement-points/{id}/audiences", summary: "The resource URIs (RFC 8707) it serves: the secret store releases to it only for task tokens issued for one of them", permission: "enforcement_points.manage", body: AudiencesBody, responses: one },
  { ...base, method: "put", path: "/api/v1/enforcement-points/{id}/opa-mapping", summary: "Where its OPA decision-log events carry agent, action, resource and verdict", permission: "enforcement_points.manage", body: OpaMapping, responses: one },
];
