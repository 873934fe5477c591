/**
 * The form-level outcome of a server action, announced to screen readers. A message the server pinned
 * to a field (`fieldErrors`) is shown at that field by the form, so it is not repeated here: the status
 * line points at the field instead.
 */
export function FormStatus({ state }: { state: { ok: boolean; message?: string; fieldErrors?: Record<string, string[]> } | null | undefined }) {
  const atField = Boolean(state && !state.ok && state.message && Object.values(state.fieldErrors ?? {}).some((messages) => messages.includes(state.message!)));
  return (
    <div aria-live="polite" role="status">
      {state && !state.ok && state.message ? <p className="notice error">{atField ? "Check the highlighted field." : state.message}</p> : null}
    </div>
  );
}
