"use client";

import { useActionState, useState } from "react";
import { FormStatus } from "@/components/ui/form-status";
import type { FormAction } from "@/lib/http/action-result";

type Actions = {
  test: FormAction<{ ok: boolean; status: number | null; latencyMs: number; response: string }>;
  resume: FormAction<{ name: string }>;
  setEnabled: FormAction<{ name: string; enabled: boolean }>;
  remove: FormAction<{ id: string }>;
};

/** Send test, resume, enable/disable and (confirmed by typing the name) remove. */
export function DestinationActions({ destination, actions }: { destination: { id: string; name: string; enabled: boolean; paused: boolean }; actions: Actions }) {
  const [testState, test, testing] = useActionState(actions.test, null);
  const [resumeState, resume, resuming] = useActionState(actions.resume, null);
  const [enabledState, setEnabled, toggling] = useActionState(actions.setEnabled, null);
  const [removeState, remove, removing] = useActionState(actions.remove, null);
  const [confirming, setConfirming] = useState(false);
  const [typed, setTyped] = useState("");
  return (
    <div className="ep-actions">
      <div className="ep-action-buttons">
        <form action={test}>
          <input type="hidden" name="id" value={destination.id} />
          <button type="submit" disabled={testing}>
            {testing ? "Sending…" : "Send test"}
          </button>
        </form>
        {destination.paused ? (
          <form action={resume}>
            <input type="hidden" name="id" value={destination.id} />
            <button type="submit" className="primary" disabled={resuming}>
              Resume
            </button>
          </form>
        ) : null}
        <form action={setEnabled}>
          <input type="hidden" name="id" value={destination.id} />
          <input type="hidden" name="enabled" value={destination.enabled ? "false" : "true"} />
          <button type="submit" disabled={toggling}>
            {destination.enabled ? "Disable" : "Enable"}
          </button>
        </form>
        <button type="button" className="danger" aria-expanded={confirming} onClick={() => setConfirming(!confirming)} onKeyDown={(event) => event.key === "Escape" && setConfirming(false)}>
          Remove
        </button>
      </div>
      {testState?.ok ? (
        <p className={`notice ${testState.data.ok ? "ok" : "error"}`} role="status">
          {testState.data.ok ? "Delivered" : "Not delivered"}
          {testState.data.status ? ` (HTTP ${testState.data.status})` : ""} in {testState.data.latencyMs} ms{testState.data.response ? `: ${testState.data.response.slice(0, 200)}` : ""}
        </p>
      ) : null}
      <FormStatus state={testState} />
      <FormStatus state={resumeState} />
      <FormStatus state={enabledState} />
      {confirming ? (
        <form action={remove} className="inline ep-confirm" onKeyDown={(event) => event.key === "Escape" && setConfirming(false)}>
          <FormStatus state={removeState} />
          <input type="hidden" name="id" value={destination.id} />
          <label>
            Type <strong>{destination.name}</strong> to stop sending and remove it{" "}
            <input value={typed} onChange={(event) => setTyped(event.target.value)} aria-label={`Type ${destination.name} to confirm`} autoFocus />
          </label>
          <button type="submit" className="danger" disabled={removing || typed !== destination.name}>
            Remove destination
          </button>
        </form>
      ) : null}
    </div>
  );
}
