"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import type { Diagnostic } from "@/lib/policies/cedar";
import type { PolicyDoc } from "@/lib/policies/content";
import type { PolicyTemplate } from "@/lib/policies/templates";
import type { ValidationResult } from "@/lib/policies/validate";
import { policyApi, policyQueries } from "./api";
import { CedarEditor } from "./cedar-editor";

const VALIDATE_DEBOUNCE_MS = 350;

/**
 * What a save tells the author: drafts may hold errors (half-written work is kept), but a save
 * with errors says so, with the first one, instead of a plain "Saved".
 */
export function savedNotice(validation: Pick<ValidationResult, "diagnostics">): { ok: boolean; text: string } {
  const errors = validation.diagnostics.filter((item) => item.severity === "error");
  if (!errors.length) return { ok: true, text: "Saved to the draft." };
  const first = errors[0]!;
  return {
    ok: false,
    text: `Saved to the draft with ${errors.length} error${errors.length === 1 ? "" : "s"} (line ${first.line}, column ${first.column}: ${first.message}). The draft cannot be published until it validates.`,
  };
}

type Draft = { id?: string; description: string; owner: string; frameworkTags: string; source: string };

const toDraft = (policy: PolicyDoc | null, template?: PolicyTemplate): Draft =>
  policy
    ? { id: policy.id, description: policy.description, owner: policy.owner, frameworkTags: policy.frameworkTags.join(", "), source: policy.source }
    : { description: template?.description ?? "", owner: "", frameworkTags: template?.frameworkTags.join(", ") ?? "", source: template?.source ?? "permit (principal, action, resource);\n" };

/** One policy: Cedar text with inline diagnostics as you type, metadata, format, save, delete. */
export function PolicyEditor({
  policy,
  template,
  canWrite,
  onSaved,
  onDeleted,
}: {
  policy: PolicyDoc | null;
  template?: PolicyTemplate;
  canWrite: boolean;
  onSaved: (id: string) => void;
  onDeleted: () => void;
}) {
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<Draft>(() => toDraft(policy, template));
  const [diagnostics, setDiagnostics] = useState<Diagnostic[]>([]);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const saveAgain = useRef(false);

  // Debounced server-side validation: Cedar runs on the server, never in the browser.
  useEffect(() => {
    const timer = setTimeout(async () => {
      try {
        const result = await policyApi.validate({ policyId: draft.id ?? "new policy", source: draft.source });
        setDiagnostics(result.diagnostics);
      } catch {
        // A failed check leaves the last diagnostics in place; saving reports problems too.
      }
    }, VALIDATE_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [draft.source, draft.id]);

  const save = useMutation({
    mutationFn: () => policyApi.savePolicy(draft.id, { description: draft.description, owner: draft.owner, frameworkTags: draft.frameworkTags, source: draft.source }),
    onSuccess: async (saved) => {
      setNotice(savedNotice(saved.validation));
      setDiagnostics(saved.validation.diagnostics);
      setDraft((current) => ({ ...current, id: saved.policy.id }));
      await queryClient.invalidateQueries({ queryKey: policyQueries.draft().queryKey });
      onSaved(saved.policy.id);
    },
    onError: (error) => setNotice({ ok: false, text: error.message }),
    onSettled: () => {
      if (!saveAgain.current) return;
      saveAgain.current = false;
      // After this render, so the save reads the text as it is now.
      setTimeout(() => save.mutate(), 0);
    },
  });

  const remove = useMutation({
    mutationFn: () => policyApi.deletePolicy(draft.id!),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: policyQueries.draft().queryKey });
      onDeleted();
    },
    onError: (error) => setNotice({ ok: false, text: error.message }),
  });

  const format = useMutation({
    mutationFn: () => policyApi.format({ source: draft.source }),
    onSuccess: (result) => (result.ok ? setDraft((current) => ({ ...current, source: result.text })) : setDiagnostics(result.diagnostics)),
  });

  // Ctrl+S / Cmd+S saves (instead of the browser's "save page") while focus is anywhere in the editor.
  // Pressed while a save is still finishing, it saves again right after, never silently dropped.
  const onKeyDown = (event: React.KeyboardEvent) => {
    if (event.key.toLowerCase() !== "s" || !(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
    event.preventDefault();
    if (!canWrite) return;
    if (save.isPending) saveAgain.current = true;
    else save.mutate();
  };

  const errors = diagnostics.filter((item) => item.severity === "error").length;
  return (
    <section className="card policy-editor" aria-labelledby="policy-editor-title" onKeyDown={onKeyDown}>
      <h2 id="policy-editor-title">{draft.id ? <code>{draft.id}</code> : "New policy"}</h2>
      <div className="policy-meta">
        <div className="field">
          <label htmlFor="policy-description">Description</label>
          <input id="policy-description" value={draft.description} onChange={(event) => setDraft({ ...draft, description: event.target.value })} disabled={!canWrite} />
        </div>
        <div className="field">
          <label htmlFor="policy-owner">Owner</label>
          <input id="policy-owner" value={draft.owner} onChange={(event) => setDraft({ ...draft, owner: event.target.value })} disabled={!canWrite} />
        </div>
        <div className="field">
          <label htmlFor="policy-tags">Framework tags</label>
          <input id="policy-tags" value={draft.frameworkTags} placeholder="ASI02, NHI7:2025" aria-describedby="policy-tags-hint" onChange={(event) => setDraft({ ...draft, frameworkTags: event.target.value })} disabled={!canWrite} />
          <span className="hint" id="policy-tags-hint">
            Framework item ids, separated by commas
          </span>
        </div>
      </div>
      <CedarEditor label="Cedar policy text" value={draft.source} onChange={(source) => setDraft((current) => ({ ...current, source }))} diagnostics={diagnostics} readOnly={!canWrite} />
      <div aria-live="polite" className="diagnostics" data-testid="diagnostics">
        {diagnostics.length === 0 ? (
          <p className="muted">No problems found.</p>
        ) : (
          <ul aria-label={`${errors} error${errors === 1 ? "" : "s"}, ${diagnostics.length - errors} warning${diagnostics.length - errors === 1 ? "" : "s"}`}>
            {diagnostics.map((item, index) => (
              <li key={index} className={item.severity === "error" ? "diagnostic error" : "diagnostic warning"}>
                <strong>{item.severity === "error" ? "Error" : "Warning"}</strong> line {item.line}, column {item.column}: {item.message}
              </li>
            ))}
          </ul>
        )}
      </div>
      {notice ? <p className={notice.ok ? "notice ok" : "notice error"} role="status">{notice.text}</p> : null}
      {canWrite ? (
        <div className="button-row">
          <button type="button" className="primary" aria-keyshortcuts="Control+S Meta+S" onClick={() => save.mutate()} disabled={save.isPending}>
            {save.isPending ? "Saving…" : "Save to draft"} <kbd className="small" aria-hidden="true">Ctrl+S</kbd>
          </button>
          <button type="button" onClick={() => format.mutate()} disabled={format.isPending}>
            Format
          </button>
          {draft.id ? (
            <button
              type="button"
              className="danger"
              onClick={() => {
                if (window.confirm(`Remove ${draft.id} from the draft? Published versions keep it until you publish.`)) remove.mutate();
              }}
            >
              Remove from draft
            </button>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
