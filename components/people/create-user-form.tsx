"use client";

import { useActionState, useEffect, useRef } from "react";
import { Field } from "@/components/ui/field";
import { FormStatus } from "@/components/ui/form-status";
import { RoleSelect } from "./role-select";
import type { Role } from "@/lib/auth/permissions";
import type { FormAction } from "@/lib/http/action-result";

/** Adds a console user with a role and an initial password (`createUser`). */
export function CreateUserForm({ createUser, roleLabels }: { createUser: FormAction<{ email: string }>; roleLabels: Record<Role, string> }) {
  const [state, formAction, pending] = useActionState(createUser, null);
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state?.ok) form.current?.reset();
  }, [state]);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const values = state && !state.ok ? state.values : undefined;
  return (
    <form ref={form} action={formAction} className="stack" noValidate aria-label="Add a person">
      <FormStatus state={state} />
      {state?.ok ? (
        <p className="notice ok" role="status">
          {state.data.email} can now sign in. Give them their initial password through a safe channel.
        </p>
      ) : null}
      <Field label="Name" name="name" required defaultValue={values?.name} errors={errors?.name} />
      <Field label="Email" name="email" type="email" required defaultValue={values?.email} errors={errors?.email} />
      <Field label="Role" name="role" errors={errors?.role}>
        <RoleSelect roleLabels={roleLabels} id="field-role" name="role" key={values?.role} defaultValue={values?.role ?? "viewer"} />
      </Field>
      <Field label="Initial password" name="password" type="password" autoComplete="new-password" required minLength={12} hint="At least 12 characters." errors={errors?.password} />
      <button type="submit" className="primary" disabled={pending}>
        {pending ? "Adding…" : "Add person"}
      </button>
    </form>
  );
}
