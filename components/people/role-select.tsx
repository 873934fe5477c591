import type { SelectHTMLAttributes } from "react";
import type { Role } from "@/lib/auth/permissions";

/** A role picker: `roleLabels` (lib/auth/permissions.ts ROLE_LABELS, passed in) in their order, each with its label. */
export function RoleSelect({ roleLabels, ...props }: SelectHTMLAttributes<HTMLSelectElement> & { roleLabels: Record<Role, string> }) {
  return (
    <select {...props}>
      {(Object.entries(roleLabels) as [Role, string][]).map(([role, label]) => (
        <option key={role} value={role}>
          {label}
        </option>
      ))}
    </select>
  );
}
