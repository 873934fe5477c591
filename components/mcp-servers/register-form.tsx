"use client";

import { useActionState, useState } from "react";
import { Combobox, type ComboboxOption } from "@/components/ui/combobox";
import { Field } from "@/components/ui/field";
import { FormStatus } from "@/components/ui/form-status";
import type { ActionResult, FormAction } from "@/lib/http/action-result";

/** A directory person who may own a server (the owner pickers' list, people only). */
export type McpServerOwnerOption = { id: string; name: string; email: string };

type Values = Record<string, string> | undefined;
type Errors = Record<string, string[]> | undefined;

/**
 * Registers an upstream MCP server (registerMcpServerAction): every gateway pulls it and serves it
 * at /mcp/<name>. The url field is shown for http, command and args (one per line) for stdio. A
 * refusal is said at its field with what was typed kept, and focus goes to the first invalid field;
 * a registration clears the form.
 */
export function RegisterMcpServerForm({ transports, sensitivities, owners, register }: { transports: readonly string[]; sensitivities: readonly string[]; owners: McpServerOwnerOption[]; register: FormAction<{ name: string }> }) {
  // The fields are mounted afresh after every answer (keyed by its round): React resets the form after its action,
  // which puts each control back to its default, so the defaults must be what was typed (a refusal) or blank (a
  // registration). The round travels with the answer, so the fields remount with that answer's values, not the last one's.
  const [answer, formAction, pending] = useActionState(
    async (previous: { result: ActionResult<{ name: string }>; round: number } | null, formData: FormData) => ({ result: await register(previous?.result ?? null, formData), round: (previous?.round ?? 0) + 1 }),
    null,
  );
  const state = answer?.result ?? null;
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  // React resets the form after its action: a refused submission shows what was typed again.
  const values = state && !state.ok ? state.values : undefined;
  return (
    <section className="card" aria-labelledby="register-mcp-server">
      <h2 id="register-mcp-server">Register an MCP server</h2>
      {state?.ok ? (
        <p className="notice ok" role="status">
          Registered <span className="mono">{state.data.name}</span>: each gateway picks it up at its next sync (every few seconds) and serves it at{" "}
          <span className="mono">/mcp/{state.data.name}</span>.
        </p>
      ) : null}
      <form action={formAction} className="stack" noValidate>
        <FormStatus state={state} />
        <RegisterFields key={answer?.round ?? 0} transports={transports} sensitivities={sensitivities} owners={owners} values={values} errors={errors} />
        <button type="submit" className="primary" disabled={pending}>
          {pending ? "Registering…" : "Register server"}
        </button>
      </form>
    </section>
  );
}

function RegisterFields({ transports, sensitivities, owners, values, errors }: { transports: readonly string[]; sensitivities: readonly string[]; owners: McpServerOwnerOption[]; values: Values; errors: Errors }) {
  const [transport, setTransport] = useState(values?.transport ?? "http");
  const ownerOptions: ComboboxOption[] = owners.map((owner) => ({ value: owner.id, label: owner.name, detail: owner.email }));
  return (
    <>
      <Field label="Name" name="name" required maxLength={63} autoComplete="off" spellCheck={false} hint="Lower-case letters, digits, - and _; gateways serve it at /mcp/<name>, e.g. crm" defaultValue={values?.name} errors={errors?.name} />
      <Field label="Transport" name="transport" errors={errors?.transport}>
        <select id="field-transport" name="transport" defaultValue={transport} onChange={(event) => setTransport(event.target.value)} aria-invalid={errors?.transport ? true : undefined} aria-describedby={errors?.transport ? "field-transport-error" : undefined}>
          {transports.map((option) => (
            <option key={option} value={option}>
              {option === "http" ? "http (Streamable HTTP URL)" : option === "stdio" ? "stdio (a command the gateway starts)" : option}
            </option>
          ))}
        </select>
      </Field>
      {transport === "stdio" ? (
        <>
          <Field label="Command" name="command" required maxLength={1024} spellCheck={false} hint="The program each gateway starts, e.g. npx" defaultValue={values?.command} errors={errors?.command} />
          <Field label="Arguments" name="args" hint="One per line, e.g. -y then @acme/files-mcp" errors={errors?.args}>
            <textarea
              id="field-args"
              name="args"
              rows={3}
              spellCheck={false}
              defaultValue={values?.args}
              aria-invalid={errors?.args ? true : undefined}
              aria-describedby={errors?.args ? "field-args-hint field-args-error" : "field-args-hint"}
            />
          </Field>
        </>
      ) : (
        <Field label="URL" name="url" type="url" required maxLength={2048} spellCheck={false} hint="The server's Streamable HTTP endpoint, e.g. https://crm.internal/mcp" defaultValue={values?.url} errors={errors?.url} />
      )}
      <Field label="Environment" name="environment" maxLength={50} hint="Optional, e.g. prod" defaultValue={values?.environment} errors={errors?.environment} />
      <Field label="Data sensitivity" name="dataSensitivity" errors={errors?.dataSensitivity}>
        <select id="field-dataSensitivity" name="dataSensitivity" defaultValue={values?.dataSensitivity ?? "internal"} aria-invalid={errors?.dataSensitivity ? true : undefined} aria-describedby={errors?.dataSensitivity ? "field-dataSensitivity-error" : undefined}>
          {sensitivities.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      </Field>
      <Combobox
        id="field-ownerId"
        name="ownerId"
        label="Owner"
        options={ownerOptions}
        defaultValue={values?.ownerId ?? ""}
        noneLabel="Unowned"
        placeholder="Type a name or email"
        hint="Optional: the person accountable for this server"
        empty="No directory person matches; add people on Agents → Directory people & teams."
      />
      {errors?.ownerId ? (
        <span className="error" aria-live="polite">
          {errors.ownerId.join(" ")}
        </span>
      ) : null}
    </>
  );
}
