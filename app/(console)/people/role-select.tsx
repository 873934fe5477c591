import type { SelectHTMLAttributes } from "react";
import { ROLE_LABELS, ROLES } from "@/lib/auth/permissions";

export function RoleSelect(props: SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <select {...props}>
      {ROLES.map((role) => (
        <option key={role} value={role}>
          {ROLE_LABELS[role]}
        </option>
      ))}
    </select>
  );
}
