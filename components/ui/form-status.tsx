"use client";

import { useEffect, useRef } from "react";

/**
 * Puts what was typed back into a refused form. React resets a form after its action ran, whatever the
 * answer, so every field would fall back to its default (a select to its first kind, a text to empty);
 * the refusal carries the submitted values (never passwords, secrets or tokens: app/_server/action.ts),
 * and each named text field, textarea, select and radio gets its own back. Hidden inputs (owned by their
 * widgets' state) and checkboxes (a group submits several values under one name) are left as they are.
 */
export function refillRefusedForm(form: HTMLFormElement, values: Record<string, string>): void {
  for (const element of Array.from(form.elements)) {
    if (!(element instanceof HTMLInputElement || element instanceof HTMLSelectElement || element instanceof HTMLTextAreaElement)) continue;
    if (!element.name || !Object.hasOwn(values, element.name)) continue;
    const value = values[element.name]!;
    if (element instanceof HTMLInputElement) {
      if (["hidden", "checkbox", "file", "password"].includes(element.type)) continue;
      if (element.type === "radio") {
        element.checked = element.value === value;
        continue;
      }
    }
    element.value = value;
  }
}

/**
 * The form-level outcome of a server action, announced to screen readers; a refused form gets what was
 * typed back (refillRefusedForm). A message the server pinned
 * to a field (`fieldErrors`) is shown at that field by the form, so it is not repeated here: the status
 * line points at the field instead. After a failed submission, focus goes to the first field marked
 * invalid (else this line): the submit button was disabled while pending, which dropped focus to the
 * page, and a keyboard user should land where the problem is.
 *
 * `success` is the line to say once the change went through (e.g. "Denied — the call stays refused"),
 * for changes whose result is not otherwise visible where the person acted. Focus lands on it when
 * focus was lost, or always with `focusSuccess` — where the control that acted goes away with the
 * change (a decided request leaves the pending list, its buttons with it).
 */
export function FormStatus({
  state,
  success,
  focusSuccess = false,
}: {
  state: { ok: boolean; message?: string; fieldErrors?: Record<string, string[]>; values?: Record<string, string> } | null | undefined;
  success?: string | null;
  focusSuccess?: boolean;
}) {
  const line = useRef<HTMLParagraphElement>(null);
  const region = useRef<HTMLDivElement>(null);
  const failed = Boolean(state && !state.ok && state.message);
  const succeeded = Boolean(state?.ok && success);
  useEffect(() => {
    // Before focus moves: the field it lands on shows what was typed.
    const form = region.current?.closest("form");
    if (form && state && !state.ok && state.values) refillRefusedForm(form, state.values);
  }, [state]);
  useEffect(() => {
    if (!failed || !line.current) return;
    const form = line.current.closest("form");
    const active = document.activeElement;
    // Only where focus was lost (the page) or is still in this form: never pull it from elsewhere.
    if (active && active !== document.body && !(form?.contains(active) ?? false)) return;
    const invalid = form?.querySelector<HTMLElement>('[aria-invalid="true"]');
    (invalid ?? line.current).focus();
  }, [state, failed]);
  useEffect(() => {
    if (!succeeded || !line.current) return;
    // Only where focus was lost, unless the caller knows the control that acted is going: never pull it from elsewhere.
    if (!focusSuccess && document.activeElement && document.activeElement !== document.body) return;
    line.current.focus();
  }, [state, succeeded, focusSuccess]);
  const atField = Boolean(state && !state.ok && state.message && Object.values(state.fieldErrors ?? {}).some((messages) => messages.includes(state.message!)));
  return (
    <div aria-live="polite" role="status" ref={region}>
      {failed ? (
        <p className="notice error" ref={line} tabIndex={-1}>
          {atField ? "Check the highlighted field." : state!.message}
        </p>
      ) : null}
      {succeeded ? (
        <p className="notice ok" ref={line} tabIndex={-1}>
          {success}
        </p>
      ) : null}
    </div>
  );
}
