"use client";

import { useState, useTransition } from "react";
import { ConfirmButton, ConfirmDialog } from "@/components/ui/confirm-dialog";
import { RoleSelect } from "./role-select";
import type { Role } from "@/lib/auth/permissions";
import type { FormAction } from "@/lib/http/action-result";
import { CopyButton } from "@/components/ui/copy-button";
import { ShownOnce } from "@/components/ui/shown-once";

/** The server actions a user row calls, each with the user's id. */
export type UserRowActionSet = {
  changeRole: FormAction<unknown, { userId: string; role: Role }>;
  deactivate: FormAction<unknown, { userId: string }>;
  reactivate: FormAction<unknown, { userId: string }>;
  resetPassword: FormAction<{ temporaryPassword: string }, { userId: string }>;
};

export function UserRowActions({ user, isSelf, actions, roleLabels }: { user: { id: string; email: string; role: Role; active: boolean; authProvider?: "local" | "oidc" }; isSelf: boolean; actions: UserRowActionSet; roleLabels: Record<Role, string> }) {
  const [message, setMessage] = useState<string | null>(null);
  const [temporary, setTemporary] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  // A picked role is only a proposal until confirmed: one arrow key on the select must not make someone admin.
  const [proposedRole, setProposedRole] = useState<Role | null>(null);
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
          roleLabels={roleLabels}
          value={proposedRole ?? user.role}
          disabled={pending || !user.active}
          onChange={(event) => setProposedRole(event.target.value === user.role ? null : (event.target.value as Role))}
        />
      </label>
      <ConfirmDialog
        open={proposedRole !== null}
        title={`Confirm a new role for ${user.email}`}
        confirmLabel="Change role"
        danger={proposedRole === "admin"}
        onCancel={() => setProposedRole(null)}
        onConfirm={() => {
          const role = proposedRole;
          setProposedRole(null);
          if (role) run(() => actions.changeRole(null, { userId: user.id, role }));
        }}
      >
        <p>
          From <strong>{roleLabels[user.role]}</strong> to <strong>{proposedRole ? roleLabels[proposedRole] : ""}</strong>. It applies to their open sessions at once.
          {proposedRole === "admin" ? " Administrators can manage every user, setting and secret." : ""}
        </p>
      </ConfirmDialog>
      {isSelf ? null : user.active ? (
        <ConfirmButton
          label="Deactivate"
          title={`Deactivate ${user.email}`}
          confirmLabel="Deactivate"
          typeToConfirm={user.email}
          danger
          onConfirm={() => run(() => actions.deactivate(null, { userId: user.id }))}
        >
          <p>Their sessions stop working at once and every API token they hold is revoked.</p>
        </ConfirmButton>
      ) : (
        <button type="button" disabled={pending} onClick={() => run(() => actions.reactivate(null, { userId: user.id }))}>
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
              const result = await actions.resetPassword(null, { userId: user.id });
              setTemporary(result.ok ? result.data.temporaryPassword : null);
              return result;
            })
          }
        >
          <p>Every session of theirs ends now. They sign in with a temporary password shown once here, and must choose a new one before anything else.</p>
        </ConfirmButton>
      ) : null}
      {temporary ? (
        <ShownOnce key={temporary}>
          Temporary password for {user.email} (shown once): <code data-testid="temporary-password">{temporary}</code> <CopyButton text={temporary} label="Copy password" />
        </ShownOnce>
      ) : null}
      <span aria-live="polite" className="error">
        {message}
      </span>
    </div>
  );
}
