"use client";

import { useActionState } from "react";
import type { ChainVerdict } from "@/lib/audit/verify-chain";
import type { FormAction } from "@/lib/http/action-result";

/** Re-verifies the audit hash chain on the server (the `verify` action) and says what it found. */
export function VerifyChainButton({ verify }: { verify: FormAction<ChainVerdict> }) {
  const [state, formAction, pending] = useActionState(verify, null);
  return (
    <form action={formAction}>
      <button type="submit" disabled={pending}>
        {pending ? "Verifying…" : "Verify chain"}
      </button>
      <div role="status" aria-live="polite" style={{ marginTop: "0.5rem" }}>
        {state?.ok && state.data.intact ? (
          <p className="notice ok">
            Intact: all {state.data.checked} entries match their keyed hashes and links
            {state.data.checkpoint?.state === "matched" ? `, and the table still reaches the checkpoint kept outside the database (entry #${state.data.checkpoint.seq}, taken ${state.data.checkpoint.at})` : "; no checkpoint was on file yet, one has been taken now"}.
            {state.data.legacyEntries ? ` The first ${state.data.legacyEntries} entries predate keyed hashing (plain SHA-256).` : ""}
          </p>
        ) : null}
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
