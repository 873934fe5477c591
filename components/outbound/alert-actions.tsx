"use client";

import { useActionState } from "react";
import { FormStatus } from "@/components/ui/form-status";
import type { FormAction } from "@/lib/http/action-result";

/** Acknowledge or resolve one alert (open → acknowledged → resolved). */
export function AlertActions({ id, status, acknowledge, resolve }: { id: string; status: string; acknowledge: FormAction<{ status: string }>; resolve: FormAction<{ status: string }> }) {
  const [ackState, ack, acking] = useActionState(acknowledge, null);
  const [resolveState, doResolve, resolving] = useActionState(resolve, null);
  if (status === "resolved") return null;
  return (
    <div className="ep-action-buttons">
      {status === "open" ? (
        <form action={ack}>
          <input type="hidden" name="id" value={id} />
          <button type="submit" disabled={acking}>
            Acknowledge
          </button>
        </form>
      ) : null}
      <form action={doResolve}>
        <input type="hidden" name="id" value={id} />
        <button type="submit" disabled={resolving}>
          Resolve
        </button>
      </form>
      <FormStatus state={ackState} />
      <FormStatus state={resolveState} />
    </div>
  );
}

/** Enable/disable or delete one rule. */
export function AlertRuleActions({ rule, setEnabled, remove }: { rule: { id: string; enabled: boolean }; setEnabled: FormAction<{ name: string; enabled: boolean }>; remove: FormAction<{ id: string }> }) {
  const [enabledState, toggle, toggling] = useActionState(setEnabled, null);
  const [removeState, doRemove, removing] = useActionState(remove, null);
  return (
    <div className="ep-action-buttons">
      <form action={toggle}>
        <input type="hidden" name="id" value={rule.id} />
        <input type="hidden" name="enabled" value={rule.enabled ? "false" : "true"} />
        <button type="submit" disabled={toggling}>
          {rule.enabled ? "Disable" : "Enable"}
        </button>
      </form>
      <form action={doRemove}>
        <input type="hidden" name="id" value={rule.id} />
        <button type="submit" className="danger" disabled={removing}>
          Delete
        </button>
      </form>
      <FormStatus state={enabledState} />
      <FormStatus state={removeState} />
    </div>
  );
}
