"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { RelativeTime } from "@/components/ui/relative-time";
import { useState } from "react";
import { DataTable } from "@/components/ui/data-table";
import type { TableSort } from "@/components/ui/table-sort";
import type { PolicyRequests, PolicyResponses } from "@/lib/policies/api-contract";
import { policyApi, policyKeys, policyQueries } from "./api";

export type DraftStatus = PolicyResponses["draft"]["status"];
export type VersionSort = NonNullable<PolicyRequests["versions"]["sort"]>;

/** Review and release: approve (four-eyes), publish with a message, versions (in the server's `sort` order), diff, rollback. */
export function VersionsPanel({ status, canPublish, canApprove, sort = "-revision" }: { status: DraftStatus; canPublish: boolean; canApprove: boolean; sort?: VersionSort }) {
  // Header links reload /policies on this tab with the new order (the server sorts; the table never does).
  const tableSort: TableSort = { value: sort, path: "/policies", params: { tab: "review" } };
  const queryClient = useQueryClient();
  const [message, setMessage] = useState("");
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("draft");
  const versions = useQuery(policyQueries.versions(sort));
  const refresh = () => Promise.all([queryClient.invalidateQueries({ queryKey: policyQueries.draft().queryKey }), queryClient.invalidateQueries({ queryKey: policyKeys.versions })]);

  const publish = useMutation({
    mutationFn: () => policyApi.publish({ message }),
    onSuccess: async (version) => {
      setNotice({ ok: true, text: `Published revision ${version.revision}.${version.warnings?.length ? ` Warning: ${version.warnings.join("; ")}.` : ""}` });
      setMessage("");
      await refresh();
    },
    onError: (error) => setNotice({ ok: false, text: error.message }),
  });
  const approve = useMutation({
    mutationFn: () => policyApi.approve(),
    onSuccess: async () => {
      setNotice({ ok: true, text: "Draft approved." });
      await refresh();
    },
    onError: (error) => setNotice({ ok: false, text: error.message }),
  });
  const approveRollback = useMutation({
    mutationFn: (revision: number) => policyApi.approveRollback(revision),
    onSuccess: async (_data, revision) => {
      setNotice({ ok: true, text: `Rolling back to revision ${revision} is approved; someone else may now roll back.` });
      await refresh();
    },
    onError: (error) => setNotice({ ok: false, text: error.message }),
  });
  const rollback = useMutation({
    mutationFn: (revision: number) => policyApi.rollback(revision),
    onSuccess: async (version) => {
      setNotice({ ok: true, text: `Rolled back: revision ${version.revision} republishes revision ${version.rolledBackFrom}.` });
      await refresh();
    },
    onError: (error) => setNotice({ ok: false, text: error.message }),
  });
  const diff = useQuery({
    ...policyQueries.diff(from, to),
    enabled: Boolean(from && to && from !== to),
  });

  const list = versions.data?.versions ?? [];
  return (
    <section className="card" aria-labelledby="versions-title">
      <h2 id="versions-title">Review and publish</h2>
      <p data-testid="published-revision">
        Published revision: <strong>{status.publishedRevision ?? "none yet"}</strong>
        {status.changedSincePublish ? " · the draft has unpublished changes" : " · the draft equals the published version"}
      </p>
      {status.approvalRequired ? (
        <p>
          Four-eyes rule on: {status.approvedBy ? `approved by ${status.approvedBy}.` : "this draft needs approval from someone who did not edit it."}{" "}
          {canApprove && !status.approvedBy ? (
            <button type="button" onClick={() => approve.mutate()} disabled={approve.isPending}>
              Approve draft
            </button>
          ) : null}
        </p>
      ) : null}
      {canPublish ? (
        <form
          className="inline"
          onSubmit={(event) => {
            event.preventDefault();
            publish.mutate();
          }}
        >
          <div className="field">
            <label htmlFor="publish-message">Version message</label>
            <input id="publish-message" value={message} onChange={(event) => setMessage(event.target.value)} required />
          </div>
          <button type="submit" className="primary" disabled={publish.isPending}>
            {publish.isPending ? "Publishing…" : "Publish"}
          </button>
        </form>
      ) : null}
      <div aria-live="polite" data-testid="publish-status">
        {notice ? <p className={notice.ok ? "notice ok" : "notice error"}>{notice.text}</p> : null}
      </div>
      <h3>Versions</h3>
      {list.length === 0 ? (
        <p className="muted">Nothing published yet. Save policies, add tests, then publish the draft.</p>
      ) : (
        <DataTable
          caption="Published versions"
          rows={list}
          rowKey={(version) => version.id}
          sort={tableSort}
          columns={[
            { header: "Revision", sortKey: "revision", cell: (version) => version.revision },
            {
              header: "Message",
              sortKey: "message",
              cell: (version) => (
                <>
                  {version.message}
                  {version.rolledBackFrom ? <span className="badge warn"> rollback of {version.rolledBackFrom}</span> : null}
                </>
              ),
            },
            { header: "Author", sortKey: "author", cell: (version) => version.authorLabel },
            { header: "Published", sortKey: "published", cell: (version) => <RelativeTime value={version.createdAt} /> },
            (canPublish || (canApprove && status.approvalRequired)) && {
              header: <span className="visually-hidden">Actions</span>,
              cell: (version) =>
                version.revision !== status.publishedRevision ? (
                  <>
                    {canPublish ? (
                      <button type="button" className="link-button" onClick={() => window.confirm(`Publish revision ${version.revision} again as a new version? The draft is reset to it.`) && rollback.mutate(version.revision)}>
                        Roll back to this
                      </button>
                    ) : null}{" "}
                    {canApprove && status.approvalRequired ? (
                      <button type="button" className="link-button" onClick={() => approveRollback.mutate(version.revision)}>
                        Approve rollback
                      </button>
                    ) : null}
                  </>
                ) : null,
            },
          ]}
        />
      )}
      <h3>Compare</h3>
      <form className="inline" onSubmit={(event) => event.preventDefault()}>
        <div className="field">
          <label htmlFor="diff-from">From</label>
          <select id="diff-from" value={from} onChange={(event) => setFrom(event.target.value)}>
            <option value="">Choose…</option>
            {list.map((version) => (
              <option key={version.id} value={String(version.revision)}>
                revision {version.revision}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="diff-to">To</label>
          <select id="diff-to" value={to} onChange={(event) => setTo(event.target.value)}>
            <option value="draft">the draft</option>
            {list.map((version) => (
              <option key={version.id} value={String(version.revision)}>
                revision {version.revision}
              </option>
            ))}
          </select>
        </div>
      </form>
      {diff.data ? (
        <>
          <p>
            {diff.data.added} lines added, {diff.data.removed} removed
          </p>
          <pre className="diff" aria-label="Differences">
            {diff.data.lines.map((line, index) => (
              <span key={index} className={`diff-${line.kind}`}>
                {line.kind === "added" ? "+ " : line.kind === "removed" ? "- " : "  "}
                {line.text}
                {"\n"}
              </span>
            ))}
          </pre>
        </>
      ) : null}
    </section>
  );
}
