"use client";

import { useActionState } from "react";
import { verifyAuditChainAction } from "./actions";

export function VerifyChainButton() {
  const [state, formAction, pending] = useActionState(verifyAuditChainAction, null);
  return (
    <form action={formAction}>
      <button type="submit" disabled={pending}>
        {pending ? "Verifying…" : "Verify chain"}
      </button>
      <div role="status" aria-live="polite" style={{ marginTop: "0.5rem" }}>
        {state?.ok && state.data.intact ? <p className="notice ok">Intact: all {state.data.checked} entries match their hashes and links.</p> : null}
        {state?.ok && !state.data.intact ? (
          <p className="notice error">
            Broken at entry #{state.data.brokenAt.seq} ({state.data.brokenAt.id}): {state.data.brokenAt.reason}. {state.data.checked} entries before it are intact.
          </p>
        ) : null}
        {state && !state.ok ? <p className="notice error">{state.message}</p> : null}
      </div>
    </form>
  );
}
