"use client";

import { useActionState, useState } from "react";
import { FormStatus } from "@/components/ui/form-status";
import type { EnforcementPointView } from "@/lib/enforcement-points/schemas";
import type { FormAction } from "@/lib/http/action-result";
import { audiencesHint } from "./audiences-hint";
import { IssuedToken } from "./issued-token";
import type { IssuedTokenResult } from "./register-form";

/** The server actions a row calls (app/(console)/enforcement-points/actions.ts). */
export type EpRowServerActions = {
  rotate: FormAction<IssuedTokenResult & { previousTokenExpiresAt: string }>;
  revoke: FormAction<{ name: string }>;
  setEnabled: FormAction<{ name: string; enabled: boolean }>;
  updateMapping: FormAction<{ name: string }>;
  updateAudiences: FormAction<{ name: string; audiences: string[] }>;
};

type Panel = "rotate" | "revoke" | "toggle" | "opa" | "audiences" | null;

/** Destructive changes open an inline confirmation; revoking asks for the EP's name. */
export function EpRowActions({ ep, presets, otlpPresets = [], actions }: { ep: Pick<EnforcementPointView, "id" | "name" | "kind" | "enabled" | "opaMapping" | "audiences">; presets: readonly string[]; otlpPresets?: readonly string[]; actions: EpRowServerActions }) {
  const [panel, setPanel] = useState<Panel>(null);
  const [confirmName, setConfirmName] = useState("");
  const [rotateState, rotate, rotating] = useActionState(actions.rotate, null);
  const [revokeState, revoke, revoking] = useActionState(actions.revoke, null);
  const [toggleState, toggle, toggling] = useActionState(actions.setEnabled, null);
  const [opaState, saveOpa, savingOpa] = useActionState(actions.updateMapping, null);
  const [audiencesState, saveAudiences, savingAudiences] = useActionState(actions.updateAudiences, null);
  // React resets a form after its action: a refused save shows what was typed, not the saved mapping.
  const opaValue = (key: keyof EnforcementPointView["opaMapping"]) => (opaState && !opaState.ok ? (opaState.values?.[key] ?? ep.opaMapping[key]) : ep.opaMapping[key]);
  const open = (next: Panel) => setPanel(panel === next ? null : next);
  return (
    // Escape closes whichever confirmation panel is open, from anywhere inside it.
    <div className="ep-actions" onKeyDown={(event) => event.key === "Escape" && panel !== null && setPanel(null)}>
      <div className="ep-action-buttons">
        <button type="button" onClick={() => open("rotate")} aria-expanded={panel === "rotate"}>
          Rotate token
        </button>
        <button type="button" className="danger" onClick={() => open("revoke")} aria-expanded={panel === "revoke"}>
          Revoke
        </button>
        <button type="button" onClick={() => open("toggle")} aria-expanded={panel === "toggle"}>
          {ep.enabled ? "Disable" : "Enable"}
        </button>
        <button type="button" onClick={() => open("opa")} aria-expanded={panel === "opa"}>
          Mapping
        </button>
        <button type="button" onClick={() => open("audiences")} aria-expanded={panel === "audiences"}>
          Audiences
        </button>
      </div>
      {panel === "audiences" ? (
        <form action={saveAudiences} className="stack ep-confirm">
          <FormStatus state={audiencesState} />
          {audiencesState?.ok ? <p role="status">Audiences saved.</p> : null}
          <input type="hidden" name="id" value={ep.id} />
          <label className="field">
            Resource URIs it serves (one a line)
            <textarea
              name="audiences"
              rows={2}
              // A refused save shows what was typed, not the saved list (React resets the form after its action).
              defaultValue={audiencesState && !audiencesState.ok ? (audiencesState.values?.audiences ?? ep.audiences.join("\n")) : ep.audiences.join("\n")}
              placeholder={audiencesHint(ep.kind).placeholder}
              aria-invalid={audiencesState && !audiencesState.ok && audiencesState.fieldErrors?.audiences ? true : undefined}
              aria-describedby={`audiences-hint-${ep.id} audiences-error-${ep.id}`}
            />
            <span className="error" id={`audiences-error-${ep.id}`} aria-live="polite">
              {audiencesState && !audiencesState.ok ? audiencesState.fieldErrors?.audiences?.join(" ") : null}
            </span>
          </label>
          <p className="muted" id={`audiences-hint-${ep.id}`}>
            {audiencesHint(ep.kind).hint}
          </p>
          <button type="submit" className="primary" disabled={savingAudiences}>
            Save audiences
          </button>
        </form>
      ) : null}
      {rotateState?.ok ? <IssuedToken name={rotateState.data.name} token={rotateState.data.token} previousTokenExpiresAt={rotateState.data.previousTokenExpiresAt} snippets={rotateState.data.snippets} /> : null}
      {revokeState?.ok ? <p className="notice warn" role="status">Every token of {revokeState.data.name} is revoked. Rotate to issue a new one.</p> : null}
      {panel === "rotate" ? (
        <form action={rotate} className="inline ep-confirm">
          <FormStatus state={rotateState} />
          <input type="hidden" name="id" value={ep.id} />
          <label>
            Old token keeps working for (hours){" "}
            <input name="graceHours" type="number" min={0} max={168} defaultValue={24} style={{ width: "6rem" }} />
          </label>
          <button type="submit" className="primary" disabled={rotating}>
            Confirm rotation
          </button>
        </form>
      ) : null}
      {panel === "revoke" ? (
        <form action={revoke} className="inline ep-confirm">
          <FormStatus state={revokeState} />
          <input type="hidden" name="id" value={ep.id} />
          <label>
            Type <strong>{ep.name}</strong> to revoke every token now{" "}
            <input value={confirmName} onChange={(event) => setConfirmName(event.target.value)} aria-label={`Type ${ep.name} to confirm`} />
          </label>
          <button type="submit" className="danger" disabled={revoking || confirmName !== ep.name}>
            Revoke all tokens
          </button>
        </form>
      ) : null}
      {panel === "toggle" ? (
        <form action={toggle} className="inline ep-confirm">
          <FormStatus state={toggleState} />
          <input type="hidden" name="id" value={ep.id} />
          <input type="hidden" name="enabled" value={ep.enabled ? "false" : "true"} />
          <span>{ep.enabled ? `${ep.name} will get 403 on every upload until enabled again.` : `${ep.name} will be accepted again.`}</span>
          <button type="submit" className={ep.enabled ? "danger" : "primary"} disabled={toggling}>
            {ep.enabled ? "Confirm disable" : "Confirm enable"}
          </button>
        </form>
      ) : null}
      {panel === "opa" ? (
        <form action={saveOpa} className="stack ep-confirm">
          <FormStatus state={opaState} />
          {opaState?.ok ? <p role="status">Mapping saved.</p> : null}
          <input type="hidden" name="id" value={ep.id} />
          <label>
            OPA shape{" "}
            <select name="preset" defaultValue={opaValue("preset")}>
              {presets.map((preset) => (
                <option key={preset} value={preset}>
                  {preset}
                </option>
              ))}
            </select>
          </label>
          {(["agent", "action", "resourceType", "resourceId", "outcome"] as const).map((key) => (
            <label key={key} className="field">
              OPA {key} path
              <input name={key} defaultValue={opaValue(key)} placeholder={key === "outcome" ? "result.allow" : "input.subject.id"} aria-invalid={opaState && !opaState.ok && opaState.fieldErrors?.[key] ? true : undefined} />
              <span className="error" aria-live="polite">
                {opaState && !opaState.ok ? opaState.fieldErrors?.[key]?.join(" ") : null}
              </span>
            </label>
          ))}
          <fieldset>
            <legend>Envoy: agent without an mTLS principal, and path templates</legend>
            {(["agentHeader", "agentClaim"] as const).map((key) => (
              <label key={key} className="field">
                {key === "agentHeader" ? "Agent header" : "Agent JWT claim (jwt_authn payload)"}
                <input name={key} defaultValue={opaValue(key)} placeholder={key === "agentHeader" ? "x-agent-id" : "client_id"} aria-invalid={opaState && !opaState.ok && opaState.fieldErrors?.[key] ? true : undefined} />
                <span className="error" aria-live="polite">
                  {opaState && !opaState.ok ? opaState.fieldErrors?.[key]?.join(" ") : null}
                </span>
              </label>
            ))}
            <label className="field">
              Path templates (one a line)
              <textarea name="pathTemplates" rows={3} defaultValue={opaValue("pathTemplates")} placeholder="/api/orders/{id}" aria-invalid={opaState && !opaState.ok && opaState.fieldErrors?.pathTemplates ? true : undefined} />
              <span className="error" aria-live="polite">
                {opaState && !opaState.ok ? opaState.fieldErrors?.pathTemplates?.join(" ") : null}
              </span>
            </label>
          </fieldset>
          <fieldset>
            <legend>OTLP logs: attribute keys (resource.… for a resource attribute)</legend>
            <label>
              OTLP preset{" "}
              <select name="otlpPreset" defaultValue={opaValue("otlpPreset")}>
                {otlpPresets.map((preset) => (
                  <option key={preset} value={preset}>
                    {preset}
                  </option>
                ))}
              </select>
            </label>
            {(["otlpAgent", "otlpAction", "otlpResourceType", "otlpResourceId", "otlpOutcome"] as const).map((key) => (
              <label key={key} className="field">
                {key.replace(/^otlp/, "")} attribute
                <input name={key} defaultValue={opaValue(key)} placeholder={key === "otlpAgent" ? "jwt.sub" : key === "otlpOutcome" ? "http.status" : ""} aria-invalid={opaState && !opaState.ok && opaState.fieldErrors?.[key] ? true : undefined} />
                <span className="error" aria-live="polite">
                  {opaState && !opaState.ok ? opaState.fieldErrors?.[key]?.join(" ") : null}
                </span>
              </label>
            ))}
          </fieldset>
          <button type="submit" className="primary" disabled={savingOpa}>
            Save mapping
          </button>
        </form>
      ) : null}
    </div>
  );
}
