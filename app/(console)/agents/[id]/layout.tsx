import type { ReactNode } from "react";
import { orNotFound, requirePageActor } from "@/app/_server/page-guard";
import { getAgent } from "@/lib/agents/list-agents";

/**
 * The agent page's guard and existence check, run before loading.tsx's skeleton starts streaming: a
 * streamed response is a 200, so a 307 to sign-in, a 403 or an unknown agent's 404 must be decided here,
 * outside loading.tsx's Suspense boundary (one indexed read by id; the page reads the agent again).
 */
export default async function AgentLayout({ children, params }: { children: ReactNode; params: Promise<{ id: string }> }) {
  const { id } = await params;
  const ctx = await requirePageActor("agents.read", `/agents/${id}`);
  await orNotFound(getAgent({ ctx, input: { agentId: id } }));
  return children;
}
