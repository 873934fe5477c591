"use client";

import { useActionState } from "react";
import { Field } from "@/components/ui/field";
import { FormStatus } from "@/components/ui/form-status";
import type { FormAction } from "@/lib/http/action-result";

export function ChangePasswordForm({ minLength, changePassword }: { minLength: number; changePassword: FormAction }) {
  const [state, formAction, pending] = useActionState(changePassword, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={formAction} className="stack" noValidate aria-label="Change your password">
      <FormStatus state={state} />
      <Field label="Current password" name="currentPassword" type="password" autoComplete="current-password" required errors={errors?.currentPassword} />
      <Field
        label="New password"
        name="newPassword"
        type="password"
        autoComplete="new-password"
        minLength={minLength}
        required
        hint={`At least ${minLength} characters.`}
        errors={errors?.newPassword}
      />
      <Field label="New password again" name="confirmPassword" type="password" autoComplete="new-password" required errors={errors?.confirmPassword} />
      <button type="submit" className="primary" disabled={pending}>
        Change password
      </button>
    </form>
  );
}
