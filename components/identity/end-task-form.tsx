"use client";

import { useActionState, useState } from "react";
import { FormStatus } from "@/components/ui/form-status";
import { countNoun } from "@/components/ui/count-noun";
import type { FormAction } from "@/lib/http/action-result";

/** Ending a task revokes all its tokens at once: it asks for a confirmation first. */
export function EndTaskForm({ taskId, endTask }: { taskId: string; endTask: FormAction<{ revokedTokens: number }> }) {
  const [confirming, setConfirming] = useState(false);
  const [state, formAction, pending] = useActionState(endTask, null);
  if (state?.ok) return <p className="notice warn" role="status">Task ended: {countNoun(state.data.revokedTokens, "token")} revoked.</p>;
  return confirming ? (
    <form action={formAction} className="inline">
      <FormStatus state={state} />
      <input type="hidden" name="taskId" value={taskId} />
      <button type="submit" className="danger" disabled={pending}>
        {pending ? "Ending…" : "Revoke every token of this task"}
      </button>
      <button type="button" onClick={() => setConfirming(false)}>
        Cancel
      </button>
    </form>
  ) : (
    <button type="button" className="danger" onClick={() => setConfirming(true)}>
      End task
    </button>
  );
}
