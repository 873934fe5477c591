"use client";

import { useActionState, useState } from "react";
import { Field } from "@/components/ui/field";
import { FormStatus } from "@/components/ui/form-status";
import type { FormAction } from "@/lib/http/action-result";
import { RULE_KINDS } from "./rule-kinds";


/** Adds an alert rule; only the parameters of the chosen kind are shown. */
export function AlertRuleForm({ create, destinations, findingKinds }: { create: FormAction<{ name: string }>; destinations: { id: string; name: string }[]; findingKinds: readonly string[] }) {
  const [state, formAction, pending] = useActionState(create, null);
  const [kind, setKind] = useState<string>("shadow_agent");
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const paramError = (name: string) => errors?.[`params.${name}`] ?? errors?.[`params`];
  return (
    <section className="card" aria-labelledby="new-rule">
      <h2 id="new-rule">Add an alert rule</h2>
      {state?.ok ? (
        <p className="notice ok" role="status">
          Rule {state.data.name} added. It judges what happens from now on, at least once a minute.
        </p>
      ) : null}
      <form action={formAction} className="stack wide" noValidate>
        <FormStatus state={state} />
        <Field label="Name" name="name" required maxLength={100} errors={errors?.name} />
        <Field label="Fires on" name="kind" errors={errors?.kind}>
          <select id="field-kind" name="kind" value={kind} onChange={(event) => setKind(event.target.value)}>
            {RULE_KINDS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </Field>
        {kind === "deny_rate" ? (
          <>
            <Field label="Deny rate above (%)" name="thresholdPercent" type="number" min={1} max={100} defaultValue="50" errors={paramError("thresholdPercent")} />
            <Field label="Over the last (minutes)" name="windowMinutes" type="number" min={1} max={1440} defaultValue="15" errors={paramError("windowMinutes")} />
            <Field label="With at least (decisions)" name="minDecisions" type="number" min={1} defaultValue="10" errors={paramError("minDecisions")} />
          </>
        ) : null}
        {kind === "ep_silent" ? <Field label="Silent for more than (minutes)" name="minutes" type="number" min={1} defaultValue="15" errors={paramError("minutes")} /> : null}
        {kind === "approval_waiting" ? <Field label="Waiting for more than (minutes)" name="minutes" type="number" min={1} defaultValue="30" errors={paramError("minutes")} /> : null}
        {kind === "policy_never_matches" ? <Field label="Judged this long after publish (minutes)" name="minutesAfterPublish" type="number" min={1} defaultValue="60" errors={paramError("minutesAfterPublish")} /> : null}
        {kind === "finding_opened" ? (
          <fieldset className="field">
            <legend>Finding kinds</legend>
            {findingKinds.map((findingKind) => (
              <label key={findingKind}>
                <input type="checkbox" name="findingKinds" value={findingKind} /> {findingKind.replace(/_/g, " ")}{" "}
              </label>
            ))}
            <span className="error" aria-live="polite">
              {paramError("kinds")?.join(" ")}
            </span>
          </fieldset>
        ) : null}
        <Field label="Severity" name="severity" errors={errors?.severity}>
          <select id="field-severity" name="severity" defaultValue="medium">
            {["low", "medium", "high", "critical"].map((severity) => (
              <option key={severity}>{severity}</option>
            ))}
          </select>
        </Field>
        <Field label="Send to" name="destinationId" errors={errors?.destinationId} hint={destinations.length ? "Also sent to every destination that takes all alerts" : "No destination yet: alerts show here only"}>
          <select id="field-destinationId" name="destinationId" defaultValue="">
            <option value="">(only destinations that take all alerts)</option>
            {destinations.map((destination) => (
              <option key={destination.id} value={destination.id}>
                {destination.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Cooldown (minutes)" name="cooldownMinutes" type="number" min={0} max={10080} defaultValue="15" errors={errors?.cooldownMinutes} hint="A repeat within this time after an alert is resolved counts on that alert instead of opening a new one" />
        <button type="submit" className="primary" disabled={pending}>
          {pending ? "Adding…" : "Add rule"}
        </button>
      </form>
    </section>
  );
}
