"use client";

import { useActionState } from "react";
import { Field } from "@/components/ui/field";
import { FormStatus } from "@/components/ui/form-status";
import type { Settings } from "@/lib/settings/settings";
import type { FormAction } from "@/lib/http/action-result";

export function SettingsForm({ settings, updateSettings }: { settings: Settings; updateSettings: FormAction }) {
  const [state, formAction, pending] = useActionState(updateSettings, null);
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
      <Field
        label="Read from the primary while the read replica is this far behind (seconds)"
        name="replicaMaxLagSeconds"
        type="number"
        min={1}
        defaultValue={settings.replicaMaxLagSeconds}
        errors={errors?.replicaMaxLagSeconds}
      />
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
      <fieldset className="stack">
        <legend>Policy decision point</legend>
        <Field label="When a forbid policy errors during evaluation" name="pdpForbidErrors" errors={errors?.pdpForbidErrors}>
          <select id="field-pdpForbidErrors" name="pdpForbidErrors" defaultValue={settings.pdpForbidErrors}>
            <option value="deny">Deny the request (recommended)</option>
            <option value="skip">Skip the policy, as Cedar does</option>
          </select>
        </Field>
        <Field label="AuthZEN answers carry a reason context" name="authzenReasonContext" errors={errors?.authzenReasonContext}>
          <select id="field-authzenReasonContext" name="authzenReasonContext" defaultValue={settings.authzenReasonContext ? "true" : ""}>
            <option value="">No: only the decision</option>
            <option value="true">Yes: revision, reason, erroring policies</option>
          </select>
        </Field>
        <Field label="AuthZEN subject type → Cedar entity type (JSON; unmapped types are denied)" name="pdpSubjectTypes" errors={errors?.pdpSubjectTypes}>
          <textarea id="field-pdpSubjectTypes" name="pdpSubjectTypes" rows={4} spellCheck={false} defaultValue={JSON.stringify(settings.pdpSubjectTypes, null, 1)} />
        </Field>
        <Field label="AuthZEN resource type → Cedar entity type (JSON; unmapped types are denied)" name="pdpResourceTypes" errors={errors?.pdpResourceTypes}>
          <textarea id="field-pdpResourceTypes" name="pdpResourceTypes" rows={4} spellCheck={false} defaultValue={JSON.stringify(settings.pdpResourceTypes, null, 1)} />
        </Field>
      </fieldset>
      <button type="submit" className="primary" disabled={pending}>
        Save settings
      </button>
    </form>
  );
}
