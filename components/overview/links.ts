/** URLs of the filtered lists behind the Overview's numbers (each target page reads these parameters). */

const query = (params: Record<string, string | undefined>) => {
  const search = new URLSearchParams(Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const text = search.toString();
  return text ? `?${text}` : "";
};

export const agentsHref = (params: { ownerId?: string; status?: string; finding?: string } = {}) => `/agents${query(params)}`;
export const agentHref = (agentId: string) => `/agents/${encodeURIComponent(agentId)}`;
export const findingsHref = (kind?: string) => `/agents/findings${query({ kind })}`;
/** The explorer over [from, to) with the given filters. */
export const decisionsHref = (params: { from: Date; to: Date; outcome?: string; agent?: string; ep?: string }) =>
  `/decisions/explore${query({ outcome: params.outcome, agent: params.agent, ep: params.ep, from: params.from.toISOString(), to: params.to.toISOString() })}`;
