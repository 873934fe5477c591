"use client";

import { useRouter } from "next/navigation";
import { useActionState, useState, type FormEvent, type ReactNode } from "react";
import type { FormAction } from "@/lib/http/action-result";

/**
 * A form bound to a server action: errors are announced, success refreshes the page's data.
 * With `confirm`, the first submit asks for confirmation before anything is sent.
 */
export function ActionForm({
  action,
  children,
  submitLabel,
  confirm,
  className = "inline",
  danger,
  label,
  successMessage,
}: {
  action: FormAction;
  children?: ReactNode;
  submitLabel: string;
  confirm?: string;
  className?: string;
  danger?: boolean;
  label?: string;
  successMessage?: string;
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
    if (confirm && !armed) {
      event.preventDefault();
      setArmed(true);
    }
  };
  const errors = state && !state.ok ? Object.entries(state.fieldErrors ?? {}) : [];
  return (
    <form action={formAction} onSubmit={onSubmit} className={className} aria-label={label ?? submitLabel} noValidate>
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
          {pending ? "Working…" : submitLabel}
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
        {state?.ok && successMessage ? <p className="notice ok">{successMessage}</p> : null}
      </div>
    </form>
  );
}
