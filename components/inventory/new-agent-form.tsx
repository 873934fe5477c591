"use client";

import { useRouter } from "next/navigation";
import { useActionState, useEffect } from "react";
import { Field } from "@/components/ui/field";
import { FormStatus } from "@/components/ui/form-status";
import { AGENT_STATUS_OPTIONS, SelectField } from "./select-field";
import type { FormAction } from "@/lib/http/action-result";
import type { OwnerCandidate } from "@/lib/people/owner-candidates";
import { OwnerPicker, type AddPersonAction } from "./owner-picker";

type Option = { id: string; label: string };

/** No owner chosen submits "" (the create form reads it as none). */
const NO_OWNER = { label: "None / unknown", submits: "" };

export function NewAgentForm({ action, candidates, addPerson, teams }: { action: FormAction<{ id: string }>; candidates: OwnerCandidate[]; addPerson?: AddPersonAction; teams: Option[] }) {
  const router = useRouter();
  const [state, formAction, pending] = useActionState(action, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  useEffect(() => {
    if (state?.ok) router.push(`/agents/${state.data.id}`);
  }, [state, router]);
  const select = (name: string, label: string, options: Option[] | string[]) => (
    <div className="field">
      <label htmlFor={`field-${name}`}>{label}</label>
      <select id={`field-${name}`} name={name} defaultValue="" aria-describedby={errors?.[name] ? `field-${name}-error` : undefined}>
        <option value="">None / unknown</option>
        {options.map((option) => (typeof option === "string" ? <option key={option} value={option}>{option}</option> : <option key={option.id} value={option.id}>{option.label}</option>))}
      </select>
      <span className="error" id={`field-${name}-error`} aria-live="polite">
        {errors?.[name]?.join(" ")}
      </span>
    </div>
  );
  return (
    <form action={formAction} className="stack" noValidate>
      <FormStatus state={state} />
      <Field label="Name" name="name" required errors={errors?.name} />
      <Field label="Description" name="description" errors={errors?.description} />
      {select("environment", "Environment", ["prod", "staging", "dev"])}
      <SelectField id="field-status" name="status" label="Status" defaultValue="active" options={AGENT_STATUS_OPTIONS.filter(([status]) => status !== "retired")} />
      <OwnerPicker id="field-ownerId" name="ownerId" label="Owner" candidates={candidates} current="" addPerson={addPerson} empty={NO_OWNER} />
      {errors?.ownerId ? <span className="error">{errors.ownerId.join(" ")}</span> : null}
      <OwnerPicker id="field-backupOwnerId" name="backupOwnerId" label="Backup owner" candidates={candidates} current="" addPerson={addPerson} empty={NO_OWNER} />
      {errors?.backupOwnerId ? <span className="error">{errors.backupOwnerId.join(" ")}</span> : null}
      {select("teamId", "Team", teams)}
      <Field label="Model / provider" name="modelProvider" errors={errors?.modelProvider} />
      <Field label="Framework" name="framework" errors={errors?.framework} />
      <Field label="Declared actions" name="declaredActions" hint="Comma-separated" errors={errors?.declaredActions} />
      <Field label="Declared resource types" name="declaredResourceTypes" hint="Comma-separated" errors={errors?.declaredResourceTypes} />
      {select("credentialKind", "Credential kind", ["task_token", "spiffe", "oauth_client", "static_api_key", "shared_secret"])}
      <Field label="Maximum credential lifetime (seconds)" name="credentialMaxLifetimeSeconds" type="number" min={1} errors={errors?.credentialMaxLifetimeSeconds} />
      {select("dataSensitivity", "Data sensitivity", ["public", "internal", "confidential", "restricted"])}
      <div className="field">
        <label htmlFor="field-identities">Identities</label>
        <textarea id="field-identities" name="identities" rows={3} aria-describedby="field-identities-hint field-identities-error" />
        <span className="hint" id="field-identities-hint">
          One per line as kind:value — agent_id, spiffe_id, client_id or alias (e.g. spiffe_id:spiffe://corp/agent).
        </span>
        <span className="error" id="field-identities-error" aria-live="polite">
          {errors?.identities?.join(" ")}
        </span>
      </div>
      <button type="submit" className="primary" disabled={pending}>
        {pending ? "Registering…" : "Register agent"}
      </button>
    </form>
  );
}
