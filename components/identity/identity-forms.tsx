"use client";

import { useActionState, useState } from "react";
import { Field } from "@/components/ui/field";
import { FormStatus } from "@/components/ui/form-status";
import type { FormAction } from "@/lib/http/action-result";

/** Registers a SPIFFE trust domain (`createTrustDomain`), its JWT bundle uploaded or fetched. */
export function TrustDomainForm({ algs, createTrustDomain }: { algs: readonly string[]; createTrustDomain: FormAction<{ name: string }> }) {
  const [state, formAction, pending] = useActionState(createTrustDomain, null);
  const [source, setSource] = useState("jwks");
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={formAction} className="stack" noValidate aria-labelledby="h-add-domain">
      <h3 id="h-add-domain">Register a trust domain</h3>
      {state?.ok ? <p className="notice ok" role="status">Trust domain {state.data.name} registered.</p> : null}
      <FormStatus state={state} />
      <Field label="Trust domain" name="name" required hint="The SPIFFE trust domain, e.g. prod.example.org" errors={errors?.name} />
      <Field label="JWT bundle source" name="source" errors={errors?.source}>
        <select id="field-source" name="source" value={source} onChange={(event) => setSource(event.target.value)}>
          <option value="jwks">Upload a JWKS</option>
          <option value="spiffe_bundle">SPIRE bundle endpoint</option>
          <option value="oidc">OIDC discovery (issuer URL)</option>
        </select>
      </Field>
      {source === "jwks" ? (
        <Field label="JWKS (public keys)" name="jwks" errors={errors?.jwks ?? errors?.["jwks.keys"]}>
          <textarea id="field-jwks" name="jwks" rows={6} className="mono" placeholder='{"keys": [{"kty": "EC", "crv": "P-256", "kid": "…", "x": "…", "y": "…"}]}' />
        </Field>
      ) : (
        <Field label={source === "oidc" ? "Issuer URL" : "Bundle endpoint URL"} name="url" type="url" errors={errors?.url} hint="Fetched now and every 5 minutes; the last good bundle is kept if a fetch fails" />
      )}
      <fieldset>
        <legend>Allowed algorithms</legend>
        {algs.map((alg) => (
          <label key={alg} style={{ marginRight: "1rem" }}>
            <input type="checkbox" name="allowedAlgs" value={alg} defaultChecked={alg === "ES256" || alg === "RS256"} /> {alg}
          </label>
        ))}
      </fieldset>
      <button type="submit" className="primary" disabled={pending}>
        {pending ? "Registering…" : "Register trust domain"}
      </button>
    </form>
  );
}

/** Schedules a signing-key rotation (`rotateSigningKey`). */
export function RotateKeyForm({ rotateSigningKey }: { rotateSigningKey: FormAction<{ kid: string; activatesAt: string }> }) {
  const [state, formAction, pending] = useActionState(rotateSigningKey, null);
  return (
    <form action={formAction} className="inline">
      <FormStatus state={state} />
      {state?.ok ? <p className="notice ok" role="status">Key {state.data.kid} published; it signs from {state.data.activatesAt}.</p> : null}
      <label>
        Publish for (seconds) before it signs <input name="leadSeconds" type="number" min={0} max={86400} defaultValue={60} style={{ width: "6rem" }} />
      </label>
      <button type="submit" disabled={pending}>
        Rotate signing key
      </button>
    </form>
  );
}

/** Stores an upstream secret (`saveSecret`); the value is never shown again. */
export function SecretForm({ saveSecret }: { saveSecret: FormAction<{ name: string }> }) {
  const [state, formAction, pending] = useActionState(saveSecret, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={formAction} className="stack" noValidate aria-labelledby="h-add-secret" autoComplete="off">
      <h3 id="h-add-secret">Store a secret</h3>
      {state?.ok ? <p className="notice ok" role="status">Secret {state.data.name} stored. Its value will not be shown again.</p> : null}
      <FormStatus state={state} />
      <Field label="Name" name="name" required hint="Same name replaces the value" errors={errors?.name} />
      <Field label="Upstream (scope entry)" name="upstream" required hint="Released only for a task token whose scope carries this tool or action" errors={errors?.upstream} />
      <Field label="Audience (optional)" name="audience" hint="When set, only for tokens for exactly this resource" errors={errors?.audience} />
      <Field label="Description" name="description" errors={errors?.description} />
      <Field
        label="Value"
        name="secretValue"
        type="password"
        required
        hint={<>The static value, or — to release short-lived downstream tokens instead — the downstream&apos;s OAuth client credentials as JSON: {"{"}&quot;type&quot;:&quot;oauth_client_credentials&quot;, &quot;token_endpoint&quot;, &quot;client_id&quot;, &quot;client_secret&quot;, &quot;scope&quot;?{"}"} (docs/identity.md)</>}
        errors={errors?.value ?? errors?.secretValue}
      />
      <button type="submit" className="primary" disabled={pending}>
        {pending ? "Storing…" : "Store secret"}
      </button>
    </form>
  );
}
