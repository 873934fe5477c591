"use client";

import { useState } from "react";
import type { FormAction } from "@/lib/http/action-result";
import { ActionForm } from "@/components/ui/action-form";
import { SelectField } from "./select-field";

type Option = { id: string; label: string };

/** One step for an owner: confirm, narrow the scope, transfer, or retire. */
export function AttestForm({ agentId, agentName, declaredActions, unused, people, action }: { agentId: string; agentName: string; declaredActions: string[]; unused: string[]; people: Option[]; action: FormAction }) {
  const [outcome, setOutcome] = useState("confirmed");
  const confirmText =
    outcome === "retired" ? `Retire ${agentName}? It will no longer count as a live agent.` : outcome === "transferred" ? `Transfer ${agentName} to the chosen person?` : undefined;
  return (
    <ActionForm action={action} submitLabel="Submit attestation" className="stack" label={`Attest ${agentName}`} confirm={confirmText} danger={outcome === "retired"} successMessage="Attestation recorded.">
      <input type="hidden" name="agentId" value={agentId} />
      <fieldset>
        <legend>Your answer</legend>
        {[
          ["confirmed", "Confirm: I own it and its scope is right"],
          ["narrowed", "Narrow its scope"],
          ["transferred", "Transfer it to someone else"],
          ["retired", "Retire it"],
        ].map(([value, label]) => (
          <label key={value} className="radio">
            <input type="radio" name="outcome" value={value} checked={outcome === value} onChange={() => setOutcome(value!)} /> {label}
          </label>
        ))}
      </fieldset>
      {outcome === "narrowed" ? (
        <fieldset>
          <legend>Actions to keep</legend>
          {declaredActions.map((declared) => (
            <label key={declared} className="radio">
              <input type="checkbox" name="keepActions" value={declared} defaultChecked={!unused.includes(declared)} /> <code>{declared}</code>
              {unused.includes(declared) ? <span className="muted"> (never used)</span> : null}
            </label>
          ))}
        </fieldset>
      ) : null}
      {outcome === "transferred" ? (
        <SelectField id={`to-${agentId}`} name="newOwnerId" label="New owner" defaultValue="" options={people.map((person) => [person.id, person.label] as const)}>
          <option value="" disabled>
            Choose…
          </option>
        </SelectField>
      ) : null}
      <div className="field">
        <label htmlFor={`note-${agentId}`}>Note (optional)</label>
        <input id={`note-${agentId}`} name="note" />
      </div>
    </ActionForm>
  );
}
