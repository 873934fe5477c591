"use client";

import { useActionState, type ReactNode } from "react";
import { FormStatus } from "@/components/ui/form-status";
import type { FormAction } from "@/lib/http/action-result";


/**
 * A small form bound to a server action: hidden fields carry the keys, the outcome is announced,
 * and destructive submits ask first.
 */
export function ActionForm({
  action,
  hidden,
  children,
  submitLabel,
  pendingLabel,
  confirmText,
  danger,
  className = "inline",
  successText,
}: {
  action: FormAction;
  hidden: Record<string, string>;
  children?: ReactNode;
  submitLabel: string;
  pendingLabel?: string;
  confirmText?: string;
  danger?: boolean;
  className?: string;
  successText?: string;
}) {
  const [state, formAction, pending] = useActionState(action, null);
  const fieldErrors = state && !state.ok ? Object.values(state.fieldErrors ?? {}).flat() : [];
  return (
    <form
      action={formAction}
      className={className}
      onSubmit={(event) => {
        if (confirmText && !window.confirm(confirmText)) event.preventDefault();
      }}
    >
      {Object.entries(hidden).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {children}
      <button type="submit" className={danger ? "danger" : "primary"} disabled={pending}>
        {pending ? (pendingLabel ?? "Saving…") : submitLabel}
      </button>
      <FormStatus state={state && !state.ok ? { ok: false, message: [state.message, ...fieldErrors].join(" ") } : null} />
      {state?.ok && successText ? (
        <p className="muted" role="status">
          {successText}
        </p>
      ) : null}
    </form>
  );
}
