import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";

/**
 * The second MCP server of `npm run demo`: a tiny in-memory ticket tracker over stdio, spawned by the
 * gateway. list_tickets is read-only, create_ticket writes, purge_tickets is destructive (the demo's
 * policy makes it wait for approval). Nothing here is Steward-specific.
 * Run: `node --import tsx scripts/demo/tickets-server-stdio.ts`.
 */
const tickets = new Map<number, { id: number; title: string; status: "open" | "closed" }>([
  [1, { id: 1, title: "Customer cannot reset password", status: "open" }],
  [2, { id: 2, title: "Invoice PDF shows wrong VAT", status: "closed" }],
]);
let nextId = 3;

const server = new McpServer({ name: "demo-tickets", version: "1.0.0" });
server.registerTool("list_tickets", { description: "List tickets, optionally by status", inputSchema: { status: z.enum(["open", "closed"]).optional() }, annotations: { readOnlyHint: true } }, async ({ status }) => {
  const items = [...tickets.values()].filter((ticket) => !status || ticket.status === status);
  return { content: [{ type: "text", text: JSON.stringify(items) }], structuredContent: { tickets: items } };
});
server.registerTool("create_ticket", { description: "Open a ticket", inputSchema: { title: z.string().min(1).max(200) } }, async ({ title }) => {
  const ticket = { id: nextId++, title, status: "open" as const };
  tickets.set(ticket.id, ticket);
  return { content: [{ type: "text", text: `Opened ticket #${ticket.id}` }], structuredContent: { ticket } };
});
server.registerTool("purge_tickets", { description: "Delete every closed ticket", inputSchema: {}, annotations: { destructiveHint: true } }, async () => {
  const closed = [...tickets.values()].filter((ticket) => ticket.status === "closed");
  for (const ticket of closed) tickets.delete(ticket.id);
  return { content: [{ type: "text", text: `Purged ${closed.length} closed tickets` }] };
});

void server.connect(new StdioServerTransport());
