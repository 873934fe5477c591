"use server";

import { revalidatePath } from "next/cache";
import { action } from "@/app/_server/action";
import { deleteMcpServer, registerMcpServer } from "@/lib/gateway/mcp-servers";
import { McpServerIdInput, RegisterMcpServerForm } from "@/lib/gateway/schemas";

const PATH = "/mcp-servers";

export const registerMcpServerAction = action("mcp_servers.manage", RegisterMcpServerForm, async (ctx, input) => {
  const server = await registerMcpServer({ ctx, input });
  revalidatePath(PATH);
  return { name: server.name };
});

export const deleteMcpServerAction = action("mcp_servers.manage", McpServerIdInput, async (ctx, input) => {
  await deleteMcpServer({ ctx, id: input.id });
  revalidatePath(PATH);
  return { id: input.id };
});
