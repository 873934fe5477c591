"use client";

import { useActionState } from "react";
import { Field } from "@/components/ui/field";
import { FormStatus } from "@/components/ui/form-status";
import { signInAction, ssoSignInAction } from "./actions";

export function SignInForm({ callbackUrl }: { callbackUrl: string | undefined }) {
  const [state, formAction, pending] = useActionState(signInAction, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const values = state && !state.ok ? state.values : undefined;
  return (
    <form action={formAction} className="stack" noValidate>
      <FormStatus state={state} />
      <Field label="Email" name="email" type="email" autoComplete="username" required autoFocus defaultValue={values?.email} errors={errors?.email} />
      <Field label="Password" name="password" type="password" autoComplete="current-password" required errors={errors?.password} />
      {callbackUrl ? <input type="hidden" name="callbackUrl" value={callbackUrl} /> : null}
      <button type="submit" className="primary" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}

export function SsoButton({ providerName }: { providerName: string }) {
  const [state, formAction, pending] = useActionState(ssoSignInAction, null);
  return (
    <form action={formAction} style={{ marginTop: "1rem" }}>
      <FormStatus state={state} />
      <button type="submit" disabled={pending}>
        Sign in with {providerName}
      </button>
    </form>
  );
}
