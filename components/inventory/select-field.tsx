import type { ReactNode } from "react";
import type { AgentView } from "@/lib/agents/schemas";

/** The agent statuses with their labels, in the order forms offer them; tsc checks the list is complete. */
export const AGENT_STATUS_OPTIONS = Object.entries({
  active: "Active",
  suspended: "Suspended",
  retired: "Retired",
  discovered: "Discovered",
} satisfies Record<AgentView["status"], string>);

/** A labelled select: `children` are the options offered before `options` (e.g. "Any", "None"). */
export function SelectField({
  id,
  name,
  label,
  defaultValue,
  options,
  children,
}: {
  id: string;
  name: string;
  label: string;
  defaultValue: string;
  options: readonly (readonly [value: string, text: string])[];
  children?: ReactNode;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} name={name} defaultValue={defaultValue}>
        {children}
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}
