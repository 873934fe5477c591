"use client";

import { useActionState } from "react";
import { Field } from "@/components/ui/field";
import { FormStatus } from "@/components/ui/form-status";
import type { Settings } from "@/lib/settings/settings";
import { updateSettingsAction } from "./actions";

export function SettingsForm({ settings }: { settings: Settings }) {
  const [state, formAction, pending] = useActionState(updateSettingsAction, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={formAction} className="stack" noValidate aria-label="Console settings">
      <FormStatus state={state} />
      {state?.ok ? (
        <p className="notice ok" role="status">
          Saved.
        </p>
      ) : null}
      <Field label="Keep decisions for (days)" name="decisionRetentionDays" type="number" min={1} defaultValue={settings.decisionRetentionDays} errors={errors?.decisionRetentionDays} />
      <Field label="Agent is stale after (days without a decision)" name="staleAgentDays" type="number" min={1} defaultValue={settings.staleAgentDays} errors={errors?.staleAgentDays} />
      <Field label="Owners re-attest every (days)" name="attestationIntervalDays" type="number" min={1} defaultValue={settings.attestationIntervalDays} errors={errors?.attestationIntervalDays} />
      <Field
        label="Longest acceptable credential lifetime (seconds)"
        name="maxCredentialLifetimeSeconds"
        type="number"
        min={60}
        defaultValue={settings.maxCredentialLifetimeSeconds}
        errors={errors?.maxCredentialLifetimeSeconds}
      />
      <Field label="Require a second person to approve policy drafts" name="requirePolicyApproval" errors={errors?.requirePolicyApproval}>
        <select id="field-requirePolicyApproval" name="requirePolicyApproval" defaultValue={settings.requirePolicyApproval ? "true" : ""}>
          <option value="">No</option>
          <option value="true">Yes (four-eyes)</option>
        </select>
      </Field>
      <button type="submit" className="primary" disabled={pending}>
        Save settings
      </button>
    </form>
  );
}
