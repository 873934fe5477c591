"use client";

import { useActionState, useState } from "react";
import { Field } from "@/components/ui/field";
import { FormStatus } from "@/components/ui/form-status";
import type { FormAction } from "@/lib/http/action-result";
import type { SenderSnippet } from "@/lib/enforcement-points/sender-config";
import { audiencesHint } from "./audiences-hint";
import { IssuedToken } from "./issued-token";

export type IssuedTokenResult = { name: string; token: string; snippets: SenderSnippet[] };

export function RegisterForm({ kinds, register }: { kinds: readonly string[]; register: FormAction<IssuedTokenResult> }) {
  const [state, formAction, pending] = useActionState(register, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  // React resets the form after its action: a refused submission shows what was typed again.
  const values = state && !state.ok ? state.values : undefined;
  // The Audiences hint follows the kind picked; a refused submission puts its kind back (FormStatus refills the select).
  const [kind, setKind] = useState(values?.kind ?? "mcp-gateway");
  const [answered, setAnswered] = useState(state);
  if (answered !== state) {
    setAnswered(state);
    if (values?.kind) setKind(values.kind);
  }
  const audiences = audiencesHint(kind);
  return (
    <section className="card" aria-labelledby="register-ep">
      <h2 id="register-ep">Register an enforcement point</h2>
      {state?.ok ? <IssuedToken name={state.data.name} token={state.data.token} snippets={state.data.snippets} /> : null}
      <form action={formAction} className="stack" noValidate>
        <FormStatus state={state} />
        <Field label="Name" name="name" required maxLength={100} hint="Unique, e.g. payments-mcp-gateway" defaultValue={values?.name} errors={errors?.name} />
        <Field label="Kind" name="kind" errors={errors?.kind}>
          <select id="field-kind" name="kind" defaultValue={values?.kind ?? "mcp-gateway"} onChange={(event) => setKind(event.target.value)}>
            {kinds.map((kind) => (
              <option key={kind} value={kind}>
                {kind}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Environment" name="environment" maxLength={50} hint="Optional, e.g. prod" defaultValue={values?.environment} errors={errors?.environment} />
        <Field label="Description" name="description" maxLength={1000} defaultValue={values?.description} errors={errors?.description} />
        <Field label="Audiences" name="audiences" hint={audiences.hint} errors={errors?.audiences}>
          <textarea
            id="field-audiences"
            name="audiences"
            rows={2}
            placeholder={audiences.placeholder}
            defaultValue={values?.audiences}
            aria-invalid={errors?.audiences ? true : undefined}
            aria-describedby={errors?.audiences ? "field-audiences-hint field-audiences-error" : "field-audiences-hint"}
          />
        </Field>
        <button type="submit" className="primary" disabled={pending}>
          {pending ? "Registering…" : "Register and show token"}
        </button>
      </form>
    </section>
  );
}
