/** The form-level outcome of a server action, announced to screen readers. */
export function FormStatus({ state }: { state: { ok: boolean; message?: string } | null | undefined }) {
  return (
    <div aria-live="polite" role="status">
      {state && !state.ok && state.message ? <p className="notice error">{state.message}</p> : null}
    </div>
  );
}
