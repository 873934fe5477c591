"use client";

import { useActionState } from "react";
import { ScopeOptions } from "@/components/frameworks/scope-options";
import { FormStatus } from "@/components/ui/form-status";
import type { FormAction } from "@/lib/http/action-result";


export function CreateReportForm({
  action,
  frameworks,
  teams,
  environments,
  defaultStart,
  defaultEnd,
}: {
  action: FormAction<{ id: string; sha256: string }>;
  frameworks: { id: string; name: string }[];
  teams: { id: string; name: string }[];
  environments: readonly string[];
  defaultStart: string;
  defaultEnd: string;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={formAction} className="stack wide" aria-label="Create a report">
      <FormStatus state={state} />
      {state?.ok ? (
        <p className="notice ok" role="status">
          Report {state.data.id} stored (SHA-256 {state.data.sha256.slice(0, 16)}…). Download it from the list below.
        </p>
      ) : null}
      <div className="field">
        <label htmlFor="report-title">Title</label>
        <input id="report-title" name="title" defaultValue="Framework alignment report" maxLength={200} />
      </div>
      <fieldset className="checkbox-grid" aria-describedby="report-frameworks-error">
        <legend>Frameworks</legend>
        {frameworks.map((framework) => (
          <label key={framework.id}>
            <input type="checkbox" name="frameworkIds" value={framework.id} defaultChecked /> {framework.name}
          </label>
        ))}
        <span className="error" id="report-frameworks-error" aria-live="polite">
          {errors?.frameworkIds?.join(" ")}
        </span>
      </fieldset>
      <div className="field">
        <label htmlFor="report-scope">Scope</label>
        <select id="report-scope" name="scope" defaultValue="all">
          <ScopeOptions teams={teams} environments={environments} />
        </select>
      </div>
      <div className="inline">
        <div className="field">
          <label htmlFor="report-start">From</label>
          <input id="report-start" name="periodStart" type="date" defaultValue={defaultStart} required aria-describedby="report-start-error" />
          <span className="error" id="report-start-error" aria-live="polite">
            {errors?.periodStart?.join(" ")}
          </span>
        </div>
        <div className="field">
          <label htmlFor="report-end">To (inclusive)</label>
          <input id="report-end" name="periodEnd" type="date" defaultValue={defaultEnd} required aria-describedby="report-end-error" />
          <span className="error" id="report-end-error" aria-live="polite">
            {errors?.periodEnd?.join(" ")}
          </span>
        </div>
      </div>
      <button type="submit" className="primary" disabled={pending}>
        {pending ? "Evaluating evidence…" : "Create report snapshot"}
      </button>
    </form>
  );
}
