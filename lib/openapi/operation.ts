import type { z } from "zod";
import type { AnyPermission } from "../auth/require-permission";

/**
 * One documented API operation. Each area lists its operations in lib/openapi/paths/<area>.ts,
 * built from the same zod schemas the handlers parse with, so the document cannot drift.
 */
export type ApiOperation = {
  method: "get" | "post" | "put" | "patch" | "delete";
  path: string; // OpenAPI path, e.g. /api/v1/agents/{id}
  summary: string;
  description?: string;
  tag: string;
  permission: AnyPermission | "public";
  /** Bearer tokens accepted: personal API tokens, enforcement-point tokens, or none. */
  auth: "user" | "enforcement_point" | "none";
  query?: z.ZodObject;
  body?: z.ZodType;
  bodyContentTypes?: string[];
  responses: Record<number, { description: string; schema?: z.ZodType }>;
};
