"use client";

import { useActionState } from "react";
import { Field } from "@/components/ui/field";
import { FormStatus } from "@/components/ui/form-status";
import type { FormAction } from "@/lib/http/action-result";

/** Creates the first administrator with the one-time setup code (`setupAdmin` signs them in). */
export function SetupForm({ setupAdmin }: { setupAdmin: FormAction }) {
  const [state, formAction, pending] = useActionState(setupAdmin, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const values = state && !state.ok ? state.values : undefined;
  return (
    <form action={formAction} className="stack" noValidate>
      <FormStatus state={state} />
      <Field
        label="Setup code"
        name="setupCode"
        autoComplete="one-time-code"
        required
        spellCheck={false}
        hint="Printed in the server's log when Steward started (steward: … one-time setup code: XXXX-XXXX-XXXX-XXXX)."
        defaultValue={values?.setupCode}
        errors={errors?.setupCode}
      />
      <Field label="Your name" name="name" autoComplete="name" required defaultValue={values?.name} errors={errors?.name} />
      <Field label="Email" name="email" type="email" autoComplete="username" required defaultValue={values?.email} errors={errors?.email} />
      <Field label="Password" name="password" type="password" autoComplete="new-password" required minLength={12} hint="At least 12 characters." errors={errors?.password} />
      <Field label="Confirm password" name="confirmPassword" type="password" autoComplete="new-password" required errors={errors?.confirmPassword} />
      <button type="submit" className="primary" disabled={pending}>
        {pending ? "Creating…" : "Create administrator"}
      </button>
    </form>
  );
}
