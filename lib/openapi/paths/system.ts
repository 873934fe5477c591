import { z } from "zod";
import type { ApiOperation } from "../operation";

export const systemOperations: ApiOperation[] = [
  {
    method: "get",
    path: "/api/health",
    summary: "Liveness: the process answers",
    tag: "System",
    permission: "public",
    auth: "none",
    responses: { 200: { description: "Alive", schema: z.object({ status: z.literal("ok") }) } },
  },
  {
    method: "get",
    path: "/api/ready",
    summary: "Readiness: the database is reachable and fully migrated",
    tag: "System",
    permission: "public",
    auth: "none",
    responses: {
      200: { description: "Ready", schema: z.object({ status: z.string(), migrations: z.object({ applied: z.number(), expected: z.number() }) }) },
      503: { description: "Database unreachable or migrations pending; retry after the Retry-After header" },
    },
  },
];
