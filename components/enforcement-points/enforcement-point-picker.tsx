"use client";

import { useQuery } from "@tanstack/react-query";
import { Combobox, type ComboboxOption } from "@/components/ui/combobox";
import type { EnforcementPointView } from "@/lib/enforcement-points/schemas";

export const enforcementPointPickerKeys = { all: ["enforcement-point-picker"] as const };

/**
 * Picks one enforcement point by name from the registered list (GET /api/v1/enforcement-points,
 * needs enforcement_points.read); "" means any.
 */
export function EnforcementPointPicker({ id, label = "Enforcement point", value, onChange }: { id: string; label?: string; value: string; onChange: (enforcementPointId: string) => void }) {
  const points = useQuery({
    queryKey: enforcementPointPickerKeys.all,
    queryFn: async () => {
      const response = await fetch("/api/v1/enforcement-points", { headers: { accept: "application/json" } });
      if (!response.ok) throw new Error(`the server answered ${response.status}`);
      return (await response.json()) as { enforcementPoints: EnforcementPointView[] };
    },
    staleTime: 60_000,
  });
  const options: ComboboxOption[] = (points.data?.enforcementPoints ?? []).map((ep) => ({ value: ep.id, label: ep.name, detail: ep.id, tag: ep.kind }));
  return (
    <Combobox
      id={id}
      label={label}
      options={options}
      value={value}
      noneLabel="Any enforcement point"
      placeholder="Any: type to filter"
      busy={points.isFetching && !points.data}
      empty={points.isError ? `Enforcement points could not be listed (${points.error.message}).` : "No enforcement point matches. Register one under Enforcement points."}
      onChange={(next) => onChange(next)}
    />
  );
}
