"use client";

import { useActionState, useState } from "react";
import { CopyButton } from "@/components/ui/copy-button";
import { Field } from "@/components/ui/field";
import { FormStatus } from "@/components/ui/form-status";
import { ShownOnce } from "@/components/ui/shown-once";
import type { FormAction } from "@/lib/http/action-result";

const KINDS = [
  { value: "webhook", label: "Webhook (signed JSON, Standard Webhooks)" },
  { value: "slack", label: "Slack-compatible incoming webhook" },
  { value: "splunk_hec", label: "Splunk HTTP Event Collector" },
  { value: "syslog", label: "Syslog (RFC 5424, CEF) over TLS or TCP" },
  { value: "otlp_logs", label: "OpenTelemetry logs (OTLP/HTTP JSON)" },
] as const;

/** Registers a destination; a webhook's signing secret is shown once, right here. */
export function DestinationForm({ create, canAllowPrivate }: { create: FormAction<{ name: string; signingSecret: string | null }>; canAllowPrivate: boolean }) {
  const [state, formAction, pending] = useActionState(create, null);
  const [kind, setKind] = useState<string>("webhook");
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const values = state && !state.ok ? state.values : undefined;
  return (
    <section className="card" aria-labelledby="new-destination">
      <h2 id="new-destination">Add a destination</h2>
      {state?.ok ? (
        <ShownOnce key={state.data.signingSecret ?? state.data.name}>
          <p>
            <strong>{state.data.name}</strong> is registered. Decisions recorded from now on will be sent to it.
          </p>
          {state.data.signingSecret ? (
            <>
              <p>Its signing secret — copy it now, Steward cannot show it again. Verify each request with a Standard Webhooks library.</p>
              <pre className="token-once" data-testid="signing-secret">
                {state.data.signingSecret}
              </pre>
              <CopyButton text={state.data.signingSecret} label="Copy signing secret" />
            </>
          ) : null}
        </ShownOnce>
      ) : null}
      <form action={formAction} className="stack wide" noValidate>
        <FormStatus state={state} />
        <Field label="Kind" name="kind" errors={errors?.kind}>
          <select id="field-kind" name="kind" value={kind} onChange={(event) => setKind(event.target.value)}>
            {KINDS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Name" name="name" required maxLength={100} defaultValue={values?.name} errors={errors?.name} hint="Unique, e.g. soc-splunk" />
        {kind === "webhook" || kind === "splunk_hec" || kind === "otlp_logs" ? (
          <Field
            label="URL"
            name="url"
            type="url"
            required
            defaultValue={values?.url}
            errors={errors?.url}
            hint={kind === "splunk_hec" ? "The HEC event endpoint, e.g. https://splunk.example:8088/services/collector/event" : kind === "otlp_logs" ? "The logs endpoint, e.g. https://collector.example:4318/v1/logs" : "HTTPS endpoint that receives signed JSON batches"}
          />
        ) : null}
        {kind === "slack" ? <Field label="Incoming webhook URL" name="webhookUrl" type="password" autoComplete="off" required errors={errors?.["secret.webhookUrl"] ?? errors?.secret} hint="Kept encrypted and never shown again" /> : null}
        {kind === "splunk_hec" ? (
          <>
            <Field label="HEC token" name="token" type="password" autoComplete="off" required errors={errors?.["secret.token"]} hint="Kept encrypted and never shown again" />
            <Field label="Index" name="index" defaultValue={values?.index} errors={errors?.index} hint="Optional" />
            <Field label="Source type" name="sourcetype" defaultValue={values?.sourcetype} errors={errors?.sourcetype} hint="Optional; default steward:decisions, steward:audit or steward:alerts" />
          </>
        ) : null}
        {kind === "syslog" ? (
          <>
            <Field label="Host" name="host" required defaultValue={values?.host} errors={errors?.host} />
            <Field label="Port" name="port" type="number" min={1} max={65535} required defaultValue={values?.port ?? "6514"} errors={errors?.port} />
            <div className="field">
              <label>
                <input type="checkbox" name="tls" defaultChecked /> TLS (RFC 5425) — recommended; without it events cross the network in clear
              </label>
            </div>
            <div className="field">
              <label htmlFor="field-caPem">CA certificate (PEM)</label>
              <textarea id="field-caPem" name="caPem" rows={3} defaultValue={values?.caPem} aria-describedby="field-caPem-hint" />
              <span className="hint" id="field-caPem-hint">
                Optional: trust this CA for the receiver&apos;s certificate instead of the system&apos;s
              </span>
            </div>
          </>
        ) : null}
        {kind === "otlp_logs" ? (
          <div className="field">
            <label htmlFor="field-headers">Headers</label>
            <textarea id="field-headers" name="headers" rows={2} placeholder="x-api-key: …" aria-describedby="field-headers-hint" />
            <span className="hint" id="field-headers-hint">
              One &quot;Name: value&quot; per line; kept encrypted and never shown again
            </span>
          </div>
        ) : null}
        <fieldset className="field">
          <legend>Send</legend>
          <label>
            <input type="checkbox" name="streams" value="decisions" defaultChecked /> Decisions
          </label>{" "}
          <label>
            <input type="checkbox" name="streams" value="audit" /> Audit events (console changes)
          </label>{" "}
          <label>
            <input type="checkbox" name="streams" value="alerts" /> All alerts
          </label>
          <span className="error" aria-live="polite">
            {errors?.streams?.join(" ")}
          </span>
        </fieldset>
        <fieldset className="field">
          <legend>Only decisions with outcome (none checked: all)</legend>
          {["allow", "deny", "approval_required", "error"].map((outcome) => (
            <label key={outcome}>
              <input type="checkbox" name="outcomes" value={outcome} /> {outcome}{" "}
            </label>
          ))}
        </fieldset>
        <Field label="Drop undelivered events after (days)" name="maxBacklogDays" type="number" min={1} max={90} defaultValue={values?.maxBacklogDays ?? "7"} errors={errors?.maxBacklogDays} />
        {canAllowPrivate ? (
          <div className="field">
            <label>
              <input type="checkbox" name="allowPrivateNetwork" /> Allow loopback and private addresses (for a receiver inside your network)
            </label>
            <span className="error" aria-live="polite">
              {errors?.allowPrivateNetwork?.join(" ")}
            </span>
          </div>
        ) : null}
        <button type="submit" className="primary" disabled={pending}>
          {pending ? "Adding…" : "Add destination"}
        </button>
      </form>
    </section>
  );
}
