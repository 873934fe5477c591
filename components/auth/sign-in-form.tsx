"use client";

import { useActionState } from "react";
import { Field } from "@/components/ui/field";
import { FormStatus } from "@/components/ui/form-status";
import type { FormAction } from "@/lib/http/action-result";

/** Email and password sign-in; `signIn` is the server action (it redirects on success). */
export function SignInForm({ callbackUrl, signIn }: { callbackUrl: string | undefined; signIn: FormAction }) {
  const [state, formAction, pending] = useActionState(signIn, null);
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

/** Single sign-on through the configured OpenID Connect provider (`ssoSignIn` redirects to it). */
export function SsoButton({ providerName, ssoSignIn }: { providerName: string; ssoSignIn: FormAction }) {
  const [state, formAction, pending] = useActionState(ssoSignIn, null);
  return (
    <form action={formAction} style={{ marginTop: "1rem" }}>
      <FormStatus state={state} />
      <button type="submit" disabled={pending}>
        Sign in with {providerName}
      </button>
    </form>
  );
}
