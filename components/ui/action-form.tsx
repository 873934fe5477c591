"use client";

import { useRouter } from "next/navigation";
import { useActionState, useState, type FormEvent, type ReactNode } from "react";
import type { FormAction } from "@/lib/http/action-result";

/**
 * The one form bound to a server action (`action(permission, Schema, …)` in app/): the outcome is
 * announced (role="status"), a failure names each field the server refused, and success refreshes
 * the page's data. Options keep the two behaviours the console had:
 * - `confirm` asks before anything is sent — `confirmWith: "panel"` (default) swaps the submit
 *   button for an in-page Confirm/Cancel panel; `"dialog"` uses the browser's confirm().
 * - `browserValidation` lets the browser check required/minLength/type before submitting; by default
 *   the form is `noValidate` and the server's zod errors are shown instead.
 * - `successTone`: "notice" (a green notice, default) or "quiet" (a muted line) for `successMessage`.
 * `hidden` adds hidden inputs (the keys the action needs); `label` is the form's accessible name
 * (default: the submit label; `false` for none, where the form sits inside a labelled row and a name
 * like "Map control" would make the row's own "Control" field ambiguous to label lookups).
 */
export function ActionForm({
  action,
  children,
  submitLabel,
  pendingLabel = "Working…",
  hidden,
  confirm,
  confirmWith = "panel",
  browserValidation = false,
  className = "inline",
  danger,
  label,
  successMessage,
  successTone = "notice",
}: {
  action: FormAction;
  children?: ReactNode;
  submitLabel: string;
  pendingLabel?: string;
  hidden?: Record<string, string>;
  confirm?: string;
  confirmWith?: "panel" | "dialog";
  browserValidation?: boolean;
  className?: string;
  danger?: boolean;
  label?: string | false;
  successMessage?: string;
  successTone?: "notice" | "quiet";
}) {
  const router = useRouter();
  const [armed, setArmed] = useState(false);
  const [state, formAction, pending] = useActionState(async (previous: unknown, formData: FormData) => {
    const result = await action(previous, formData);
    setArmed(false);
    if (result.ok) router.refresh();
    return result;
  }, null);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    if (!confirm) return;
    if (confirmWith === "dialog") {
      if (!window.confirm(confirm)) event.preventDefault();
    } else if (!armed) {
      event.preventDefault();
      setArmed(true);
    }
  };
  // A field's message that is the form's message too (a refusal the server pinned to one field) is said once.
  const errors =
    state && !state.ok
      ? Object.entries(state.fieldErrors ?? {})
          .map(([field, messages]) => [field, messages.filter((message) => message !== state.message)] as const)
          .filter(([, messages]) => messages.length > 0)
      : [];
  return (
    <form action={formAction} onSubmit={onSubmit} className={className} aria-label={label === false ? undefined : (label ?? submitLabel)} noValidate={!browserValidation}>
      {Object.entries(hidden ?? {}).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {children}
      {armed ? (
        <div className="confirm-panel" role="group" aria-label="Confirm" onKeyDown={(event) => event.key === "Escape" && setArmed(false)}>
          <p>{confirm}</p>
          <button type="submit" className={danger ? "danger" : "primary"} disabled={pending} autoFocus>
            Confirm
          </button>
          <button type="button" onClick={() => setArmed(false)}>
            Cancel
          </button>
        </div>
      ) : (
        <button type="submit" className={danger ? "danger" : "primary"} disabled={pending}>
          {pending ? pendingLabel : submitLabel}
        </button>
      )}
      <div aria-live="polite" role="status" className="form-result">
        {state && !state.ok ? (
          <div className="notice error">
            <p>{state.message}</p>
            {errors.length ? (
              <ul>
                {errors.map(([field, messages]) => (
                  <li key={field}>
                    {field}: {messages.join(" ")}
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : null}
        {state?.ok && successMessage ? <p className={successTone === "quiet" ? "muted" : "notice ok"}>{successMessage}</p> : null}
      </div>
    </form>
  );
}
