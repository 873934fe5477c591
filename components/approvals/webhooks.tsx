"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { ApprovalRequests } from "@/lib/approvals/api-contract";
import { approvalApi, approvalKeys, approvalQueries } from "./api";
import { CopyButton } from "@/components/ui/copy-button";
import { formatUtc } from "@/components/ui/format-utc";
import { ShownOnce } from "@/components/ui/shown-once";


type WebhookForm = ApprovalRequests["createWebhook"];
const APPROVER_GROUPS: readonly WebhookForm["approverGroup"][] = ["owner", "security", "all"];
const PRESETS: readonly WebhookForm["preset"][] = ["slack", "generic"];
/** The option the select offers with this value (the first one for anything else): a DOM string to the contract's type, no cast. */
const pick = <T extends string>(options: readonly T[], value: string): T => options.find((option) => option === value) ?? options[0]!;

/** Notification webhooks per approver group, "send test", and the delivery log (engineers manage; everyone reads). */
export function WebhooksPanel({ canManage }: { canManage: boolean }) {
  const client = useQueryClient();
  const hooks = useQuery(approvalQueries.webhooks());
  const deliveries = useQuery({ ...approvalQueries.deliveries(), refetchInterval: 5000 });
  const [form, setForm] = useState<WebhookForm>({ name: "", approverGroup: "owner", preset: "slack", url: "" });
  const [secret, setSecret] = useState<string | null>(null);
  const refresh = () => client.invalidateQueries({ queryKey: approvalKeys.all });
  const create = useMutation({
    mutationFn: () => approvalApi.createWebhook(form),
    onSuccess: (created) => {
      setSecret(created.secret);
      setForm({ ...form, name: "", url: "" });
    },
    onSettled: refresh,
  });
  const test = useMutation({ mutationFn: (id: string) => approvalApi.testWebhook(id), onSettled: refresh });
  const remove = useMutation({ mutationFn: (id: string) => approvalApi.deleteWebhook(id), onSettled: refresh });
  const error = [create, test, remove].find((mutation) => mutation.isError)?.error;
  return (
    <section className="card" aria-labelledby="webhooks-heading">
      <h2 id="webhooks-heading">Notifications</h2>
      <p className="small muted">
        Each webhook receives new requests for its approver group (and escalations, for security), signed by the Standard Webhooks scheme (headers webhook-id, webhook-timestamp, webhook-signature), retried until a 2xx.
      </p>
      {hooks.data?.webhooks.length ? (
        <ul className="plain-list">
          {hooks.data.webhooks.map((hook) => (
            <li key={hook.id} style={{ marginBottom: "0.4rem" }}>
              <strong>{hook.name}</strong> · {hook.approverGroup} · {hook.preset} · <code>{hook.url}</code>
              {canManage ? (
                <span className="button-row" style={{ display: "inline-flex", marginLeft: "0.5rem" }}>
                  <button type="button" onClick={() => test.mutate(hook.id)} disabled={test.isPending}>
                    Send test
                  </button>
                  <button type="button" className="danger" onClick={() => remove.mutate(hook.id)} disabled={remove.isPending}>
                    Remove
                  </button>
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      ) : (
        <p className="small">No webhook yet{canManage ? ": add one below to notify approvers in Slack or any HTTPS endpoint." : "."}</p>
      )}
      {canManage ? (
        <form
          className="filters"
          onSubmit={(event) => {
            event.preventDefault();
            create.mutate();
          }}
        >
          <label className="field">
            Name
            <input required value={form.name} onChange={(event) => setForm({ ...form, name: event.target.value })} />
          </label>
          <label className="field">
            Approver group
            <select value={form.approverGroup} onChange={(event) => setForm({ ...form, approverGroup: pick(APPROVER_GROUPS, event.target.value) })}>
              <option value="owner">Owners</option>
              <option value="security">Security</option>
              <option value="all">All</option>
            </select>
          </label>
          <label className="field">
            Payload
            <select value={form.preset} onChange={(event) => setForm({ ...form, preset: pick(PRESETS, event.target.value) })}>
              <option value="slack">Slack-compatible</option>
              <option value="generic">Generic JSON</option>
            </select>
          </label>
          <label className="field">
            URL
            <input required type="url" value={form.url} onChange={(event) => setForm({ ...form, url: event.target.value })} placeholder="https://hooks.slack.com/…" />
          </label>
          <button type="submit" disabled={create.isPending}>
            Add webhook
          </button>
        </form>
      ) : null}
      {secret ? (
        <ShownOnce key={secret} className="notice">
          Signing secret (shown once): <code className="token-once">{secret}</code> <CopyButton text={secret} label="Copy signing secret" />
        </ShownOnce>
      ) : null}
      {error ? (
        <p className="notice danger" role="alert">
          {error.message}
        </p>
      ) : null}
      <h3>Delivery log</h3>
      {deliveries.data?.deliveries.length ? (
        <div className="table-wrap" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col">Kind</th>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last answer</th>
              </tr>
            </thead>
            <tbody>
              {deliveries.data.deliveries.map((delivery) => (
                <tr key={delivery.id}>
                  <td>{formatUtc(delivery.createdAt, "second")}</td>
                  <td>{delivery.kind}</td>
                  <td>{delivery.event}</td>
                  <td>{delivery.status}</td>
                  <td>{delivery.attempts}</td>
                  <td className="small">{delivery.lastStatusCode ? `HTTP ${delivery.lastStatusCode}` : (delivery.lastError ?? "—")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="small muted">Nothing sent yet.</p>
      )}
    </section>
  );
}
