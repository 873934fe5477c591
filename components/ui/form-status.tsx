"use client";

import { useEffect, useRef } from "react";

/**
 * The form-level outcome of a server action, announced to screen readers. A message the server pinned
 * to a field (`fieldErrors`) is shown at that field by the form, so it is not repeated here: the status
 * line points at the field instead. After a failed submission, focus goes to the first field marked
 * invalid (else this line): the submit button was disabled while pending, which dropped focus to the
 * page, and a keyboard user should land where the problem is.
 */
export function FormStatus({ state }: { state: { ok: boolean; message?: string; fieldErrors?: Record<string, string[]> } | null | undefined }) {
  const line = useRef<HTMLParagraphElement>(null);
  const failed = Boolean(state && !state.ok && state.message);
  useEffect(() => {
    if (!failed || !line.current) return;
    const form = line.current.closest("form");
    const active = document.activeElement;
    // Only where focus was lost (the page) or is still in this form: never pull it from elsewhere.
    if (active && active !== document.body && !(form?.contains(active) ?? false)) return;
    const invalid = form?.querySelector<HTMLElement>('[aria-invalid="true"]');
    (invalid ?? line.current).focus();
  }, [state, failed]);
  const atField = Boolean(state && !state.ok && state.message && Object.values(state.fieldErrors ?? {}).some((messages) => messages.includes(state.message!)));
  return (
    <div aria-live="polite" role="status">
      {failed ? (
        <p className="notice error" ref={line} tabIndex={-1}>
          {atField ? "Check the highlighted field." : state!.message}
        </p>
      ) : null}
    </div>
  );
}
