"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { Combobox, type ComboboxOption } from "@/components/ui/combobox";
import type { AgentPage } from "@/lib/agents/schemas";

/** Matches asked of the server per search: the inventory may hold tens of thousands of agents. */
const AGENT_MATCHES = 20;
const SEARCH_DELAY_MS = 200;

export const agentPickerKeys = { search: (q: string) => ["agent-picker", q] as const };

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { headers: { accept: "application/json" } });
  if (!response.ok) throw new Error(`the server answered ${response.status}`);
  return (await response.json()) as T;
}

/**
 * Picks one agent by name (a filter: "" means any agent). Typing searches the inventory on the
 * server (name, description, id, identities; GET /api/v1/agents?q=, needs agents.read), the first
 * AGENT_MATCHES by name; the agent's id shows beside its name.
 */
export function AgentPicker({ id, label = "Agent", value, onChange, anyLabel = "Any agent" }: { id: string; label?: string; value: string; onChange: (agentId: string) => void; anyLabel?: string }) {
  const [text, setText] = useState("");
  const [search, setSearch] = useState("");
  const [chosenLabel, setChosenLabel] = useState<string | undefined>(undefined);
  useEffect(() => {
    const timer = setTimeout(() => setSearch(text.trim()), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text]);
  const agents = useQuery({
    queryKey: agentPickerKeys.search(search),
    queryFn: () => getJson<AgentPage>(`/api/v1/agents?${new URLSearchParams({ ...(search ? { q: search } : {}), limit: String(AGENT_MATCHES), sort: "name" })}`),
    staleTime: 30_000,
  });
  const options: ComboboxOption[] = (agents.data?.items ?? []).map((agent) => ({ value: agent.id, label: agent.name, detail: agent.id, tag: agent.environment ?? undefined }));
  return (
    <Combobox
      id={id}
      label={label}
      options={options}
      value={value}
      selectedLabel={chosenLabel}
      noneLabel={anyLabel}
      placeholder={`${anyLabel}: type a name to search`}
      onSearch={setText}
      busy={agents.isFetching && !agents.data}
      empty={agents.isError ? `Agents could not be searched (${agents.error.message}).` : "No agent matches. Search by name, id or identity."}
      onChange={(next, option) => {
        setChosenLabel(option?.label);
        onChange(next);
      }}
    />
  );
}
