"use client";

import { useState, useTransition } from "react";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { RoleSelect } from "./role-select";
import type { Role } from "@/lib/auth/permissions";
import { changeUserRoleAction, deactivateUserAction, reactivateUserAction, resetUserPasswordAction } from "./actions";

export function UserRowActions({ user, isSelf }: { user: { id: string; email: string; role: Role; active: boolean; authProvider?: "local" | "oidc" }; isSelf: boolean }) {
  const [message, setMessage] = useState<string | null>(null);
  const [temporary, setTemporary] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const run = (work: () => Promise<{ ok: boolean; message?: string }>) =>
    startTransition(async () => {
      const result = await work();
      setMessage(result.ok ? null : (result.message ?? "The change was not saved"));
    });
  return (
    <div style={{ display: "flex", flexWrap: "wrap", gap: "0.5rem", alignItems: "center" }}>
      <label>
        <span className="visually-hidden">Role of {user.email}</span>
        <RoleSelect
          value={user.role}
          disabled={pending || !user.active}
          onChange={(event) => run(() => changeUserRoleAction(null, { userId: user.id, role: event.target.value }))}
        />
      </label>
      {isSelf ? null : user.active ? (
        <ConfirmButton
          label="Deactivate"
          title={`Deactivate ${user.email}`}
          confirmLabel="Deactivate"
          typeToConfirm={user.email}
          danger
          onConfirm={() => run(() => deactivateUserAction(null, { userId: user.id }))}
        >
          <p>Their sessions stop working at once and every API token they hold is revoked.</p>
        </ConfirmButton>
      ) : (
        <button type="button" disabled={pending} onClick={() => run(() => reactivateUserAction(null, { userId: user.id }))}>
          Reactivate
        </button>
      )}
      {!isSelf && user.active && user.authProvider !== "oidc" ? (
        <ConfirmButton
          label="Reset password"
          title={`Reset the password of ${user.email}`}
          confirmLabel="Reset password"
          onConfirm={() =>
            run(async () => {
              const result = await resetUserPasswordAction(null, { userId: user.id });
              setTemporary(result.ok ? result.data.temporaryPassword : null);
              return result;
            })
          }
        >
          <p>Every session of theirs ends now. They sign in with a temporary password shown once here, and must choose a new one before anything else.</p>
        </ConfirmButton>
      ) : null}
      {temporary ? (
        <div className="notice ok" role="status">
          Temporary password for {user.email} (shown once): <code data-testid="temporary-password">{temporary}</code>
        </div>
      ) : null}
      <span aria-live="polite" className="error">
        {message}
      </span>
    </div>
  );
}
