"use client";

import { useActionState } from "react";
import { FormStatus } from "@/components/ui/form-status";

type RetryAction = (previous: unknown, form: FormData) => Promise<{ ok: true; data: { retried: true } } | { ok: false; message: string }>;

/** Retry one failed job: it goes back in its queue for one more attempt. */
export function RetryJobButton({ name, id, retry }: { name: string; id: string; retry: RetryAction }) {
  const [state, formAction, pending] = useActionState(retry, null);
  return (
    <form action={formAction}>
      <input type="hidden" name="name" value={name} />
      <input type="hidden" name="id" value={id} />
      <button type="submit" disabled={pending || state?.ok === true} aria-label={`Retry ${name} job ${id}`}>
        {pending ? "Retrying…" : state?.ok ? "Queued again" : "Retry"}
      </button>
      <FormStatus state={state} />
    </form>
  );
}
