"use client";

import { useActionState, useTransition } from "react";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { CopyButton } from "@/components/ui/copy-button";
import { Field } from "@/components/ui/field";
import { FormStatus } from "@/components/ui/form-status";
import { ShownOnce } from "@/components/ui/shown-once";
import type { FormAction } from "@/lib/http/action-result";

/** Creates an API token of one's own (`createToken`); the secret is shown once. */
export function CreateTokenForm({ createToken }: { createToken: FormAction<{ secret: string }> }) {
  const [state, formAction, pending] = useActionState(createToken, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <>
      {state?.ok ? (
        <ShownOnce key={state.data.secret}>
          <p>
            <strong>Copy this token now.</strong> It is shown once; Steward keeps only its hash.
          </p>
          <pre data-testid="new-token">{state.data.secret}</pre>
          <CopyButton text={state.data.secret} label="Copy token" />
        </ShownOnce>
      ) : null}
      <form action={formAction} className="inline" noValidate aria-label="Create an API token">
        <FormStatus state={state} />
        <Field label="Name" name="name" required placeholder="terraform" errors={errors?.name} />
        <Field label="Expires in (days)" name="expiresInDays" type="number" min={1} max={365} defaultValue={90} required errors={errors?.expiresInDays} />
        <button type="submit" className="primary" disabled={pending}>
          Create token
        </button>
      </form>
    </>
  );
}

export function RevokeTokenButton({ tokenId, name, revokeToken }: { tokenId: string; name: string; revokeToken: FormAction<unknown, { tokenId: string }> }) {
  const [pending, startTransition] = useTransition();
  return (
    <ConfirmButton
      label={pending ? "Revoking…" : "Revoke"}
      title={`Revoke token ${name}`}
      confirmLabel="Revoke"
      danger
      onConfirm={() => startTransition(async () => void (await revokeToken(null, { tokenId })))}
    >
      <p>Anything using this token gets 401 from now on.</p>
    </ConfirmButton>
  );
}
