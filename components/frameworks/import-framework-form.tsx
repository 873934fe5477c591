"use client";

import { useActionState } from "react";
import { Field } from "@/components/ui/field";
import { FormStatus } from "@/components/ui/form-status";
import type { FormAction } from "@/lib/http/action-result";


/** Admins paste an OSCAL catalog or a Steward JSON catalog; the server validates it. */
export function ImportFrameworkForm({ action }: { action: FormAction<{ frameworkId: string; items: number }> }) {
  const [state, formAction, pending] = useActionState(action, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={formAction} className="stack wide">
      <FormStatus state={state} />
      {state?.ok ? (
        <p className="notice ok" role="status">
          Imported {state.data.frameworkId} with {state.data.items} items.
        </p>
      ) : null}
      <div className="field">
        <label htmlFor="import-format">Format</label>
        <select id="import-format" name="format" defaultValue="oscal-catalog">
          <option value="oscal-catalog">OSCAL catalog (JSON)</option>
          <option value="steward-json">Steward JSON (id, name, shortName, version, items)</option>
        </select>
      </div>
      <Field label="Framework id" name="frameworkId" placeholder="iso-42001-2023" hint="For OSCAL catalogs; defaults to a slug of the catalog title." errors={errors?.frameworkId} />
      <div className="field">
        <label htmlFor="import-document">Catalog document</label>
        <textarea id="import-document" name="document" rows={8} required aria-describedby="import-document-error" />
        <span className="error" id="import-document-error" aria-live="polite">
          {errors?.document?.join(" ")}
        </span>
      </div>
      <button type="submit" className="primary" disabled={pending}>
        {pending ? "Importing…" : "Import framework"}
      </button>
    </form>
  );
}
