import { z } from "zod";
import { DATA_SENSITIVITIES, MCP_TRANSPORTS } from "@/db/enums";
import { sortParam } from "../http/query";

export const McpServerName = z.string().trim().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "Use 1–63 lower-case letters, digits, - and _ (it becomes the gateway path /mcp/<name>)");

/** A cross-field check runs unless one of these fields was refused already (zod skips it after any refusal by default). */
const unlessRefused =
  (...fields: string[]) =>
  ({ issues }: { issues: readonly { path?: readonly PropertyKey[] }[] }) =>
    !issues.some((issue) => fields.includes(String(issue.path?.[0])));

/** An upstream MCP server as registered in the console (POST /api/v1/mcp-servers). Credentials are never stored here: each gateway injects its own. */
export const RegisterMcpServerInput = z
  .object({
    name: McpServerName,
    transport: z.enum(MCP_TRANSPORTS).describe("http: Streamable HTTP URL; stdio: a command the gateway spawns"),
    url: z.url("Give the server's Streamable HTTP URL").max(2048).optional(),
    command: z.string().trim().min(1).max(1024).optional(),
    args: z.array(z.string().max(1024)).max(64).default([]),
    ownerId: z.string().trim().max(100).nullable().default(null).describe("The person (per_…) who owns this server"),
    environment: z.string().trim().max(50).default(""),
    dataSensitivity: z.enum(DATA_SENSITIVITIES).default("internal"),
    toolAnnotations: z.record(z.string().max(200), z.record(z.string().max(100), z.unknown())).default({}).describe("Per-tool overrides of MCP tool annotations, e.g. destructiveHint"),
  })
  // Named at the field that is missing (the url of an http server, the command of a stdio one), and checked even
  // when another field is refused too, so a form shows every problem at once.
  .refine((input) => input.transport !== "http" || !!input.url, { message: "An http server needs a url", path: ["url"], when: unlessRefused("transport", "url") })
  .refine((input) => input.transport !== "stdio" || !!input.command, { message: "A stdio server needs a command", path: ["command"], when: unlessRefused("transport", "command") });
export type RegisterMcpServerInput = z.infer<typeof RegisterMcpServerInput>;

/**
 * The register form on /mcp-servers, as the browser sends it: strings only. A blank url, command or
 * owner is "not given"; the args come one per line (each trimmed, blank lines dropped); only the fields of the chosen
 * transport count (a url left over from switching to stdio is not stored). Then RegisterMcpServerInput.
 */
export const RegisterMcpServerForm = z.preprocess((value) => {
  if (typeof value !== "object" || value === null) return value;
  const form = value as Record<string, unknown>;
  const blankAsUndefined = (field: unknown) => (typeof field === "string" && field.trim() === "" ? undefined : field);
  const lines = (field: unknown) => (typeof field === "string" ? field.split(/\r?\n/).map((line) => line.trim()).filter(Boolean) : field);
  const stdio = form.transport === "stdio";
  return {
    ...form,
    url: stdio ? undefined : blankAsUndefined(form.url),
    command: stdio ? blankAsUndefined(form.command) : undefined,
    args: stdio ? lines(form.args) : undefined,
    ownerId: blankAsUndefined(form.ownerId) ?? null,
  };
}, RegisterMcpServerInput);

export const McpServerIdInput = z.object({ id: z.string().min(1, "Name the MCP server").max(64) });

/** GET /api/v1/mcp-servers and the MCP servers page: `sort` by name (default), transport, environment or sensitivity (public to restricted). */
export const ListMcpServersQuery = z.object({ sort: sortParam(["name", "transport", "environment", "sensitivity"], "name") });
export type ListMcpServersQuery = z.infer<typeof ListMcpServersQuery>;
/** The MCP servers page's tool catalog (its second sorted table, hence `toolSort`): by server (default), name, first or last seen. */
export const ToolCatalogQuery = z.object({ toolSort: sortParam(["server", "name", "firstSeen", "lastSeen"], "server") });
export type ToolCatalogQuery = z.infer<typeof ToolCatalogQuery>;

/** What an MCP gateway reports (POST /api/v1/gateway/report), at most every few seconds. */
export const GatewayReport = z.object({
  policyRevision: z.string().max(200).nullable(),
  bundleAgeSeconds: z.number().int().nullable(),
  spool: z.object({ backlog: z.number().int().min(0), bytes: z.number().int().min(0), full: z.boolean() }),
  upstreams: z.array(z.object({ name: McpServerName, transport: z.enum(MCP_TRANSPORTS), connected: z.boolean(), tools: z.number().int().min(0) })).max(500),
  tools: z
    .array(z.object({ server: McpServerName, name: z.string().min(1).max(200), description: z.string().max(2000).default(""), annotations: z.record(z.string(), z.unknown()).default({}) }))
    .max(10_000),
});
export type GatewayReport = z.infer<typeof GatewayReport>;
