"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Diagnostic } from "@/lib/policies/cedar";
import { policyApi, policyQueries } from "./api";
import { CedarEditor } from "./cedar-editor";

/** The Cedar schema and admin-added entities: versioned with the policies, editable by admins. */
export function SchemaPanel({ schemaText, entities, canManage }: { schemaText: string; entities: unknown[]; canManage: boolean }) {
  const queryClient = useQueryClient();
  const [schema, setSchema] = useState(schemaText);
  const [entityText, setEntityText] = useState(() => JSON.stringify(entities, null, 2));
  const [diagnostics, setDiagnostics] = useState<Diagnostic[]>([]);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);

  const saveSchema = useMutation({
    mutationFn: () => policyApi.saveSchema({ schemaText: schema }),
    onSuccess: async (result) => {
      setDiagnostics(result.validation.diagnostics);
      setNotice(result.validation.valid ? { ok: true, text: "Schema saved to the draft." } : { ok: false, text: "Schema saved, but it has errors: publishing stays blocked until they are fixed." });
      await queryClient.invalidateQueries({ queryKey: policyQueries.draft().queryKey });
    },
    onError: (error) => setNotice({ ok: false, text: error.message }),
  });
  const saveEntities = useMutation({
    mutationFn: () => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(entityText);
      } catch {
        throw new Error("The entities are not valid JSON");
      }
      return policyApi.saveEntities({ entities: parsed });
    },
    onSuccess: async (result) => {
      setNotice({ ok: true, text: `${result.count} entities saved to the draft.` });
      await queryClient.invalidateQueries({ queryKey: policyQueries.draft().queryKey });
    },
    onError: (error) => setNotice({ ok: false, text: error.message }),
  });

  return (
    <section className="card" aria-labelledby="schema-title">
      <h2 id="schema-title">Schema and entities</h2>
      {!canManage ? <p className="muted">Only administrators change the schema and the admin-added entities.</p> : null}
      <h3>Cedar schema</h3>
      <CedarEditor label="Cedar schema" value={schema} onChange={setSchema} diagnostics={diagnostics} readOnly={!canManage} />
      {canManage ? (
        <button type="button" onClick={() => saveSchema.mutate()} disabled={saveSchema.isPending}>
          Save schema
        </button>
      ) : null}
      <h3>
        <label htmlFor="entities-json">Admin-added entities (Cedar entity JSON: groups, resource hierarchies, users with roles)</label>
      </h3>
      <textarea id="entities-json" className="mono" rows={10} value={entityText} onChange={(event) => setEntityText(event.target.value)} readOnly={!canManage} />
      {canManage ? (
        <button type="button" onClick={() => saveEntities.mutate()} disabled={saveEntities.isPending}>
          Save entities
        </button>
      ) : null}
      <div aria-live="polite">{notice ? <p className={notice.ok ? "notice ok" : "notice error"}>{notice.text}</p> : null}</div>
    </section>
  );
}
