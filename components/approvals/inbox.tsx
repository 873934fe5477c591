"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { createContext, useContext, useEffect, useId, useState } from "react";
import { approvalApi, approvalKeys, approvalQueries } from "./api";
import { decisionStatusLine } from "./decision-status";
import { clockUtc, holdLine, nextHoldTickMs } from "./hold-line";
import { FormStatus } from "@/components/ui/form-status";
import { useAddressedTab } from "@/components/ui/use-addressed-tab";
import { DecisionAction } from "@/components/decisions/decision-action";
import { AgentPicker } from "@/components/inventory/agent-picker";
import { EntityRef } from "@/components/ui/entity-ref";
import { formatUtc } from "@/components/ui/format-utc";
import type { ApprovalResponses } from "@/lib/approvals/api-contract";
import type { ActionResult } from "@/lib/http/action-result";
import { SkeletonTable } from "@/components/ui/skeleton";

type InboxItem = ApprovalResponses["list"]["items"][number];


const decisionHref = (decision: { enforcementPointId: string; decisionId: string; time: string }) => `/decisions/view?${new URLSearchParams({ ep: decision.enforcementPointId, id: decision.decisionId, time: decision.time })}`;

const HISTORY = "approved,denied,expired,cancelled";

/** Re-fetches the inbox whenever the server says something changed (the same stream as the nav badge). */
function useLiveInvalidation() {
  const client = useQueryClient();
  useEffect(() => {
    const source = new EventSource("/api/v1/approvals/stream");
    const onPending = () => void client.invalidateQueries({ queryKey: approvalKeys.all });
    source.addEventListener("pending", onPending);
    return () => source.close();
  }, [client]);
}

/** What the last Approve or Deny on this page came to, as the inbox's one status line says it. */
type Decided = { result: ActionResult<ApprovalResponses["detail"]>; line: string | null };
const DecidedContext = createContext<(decided: Decided | null) => void>(() => {});

type View = "pending" | "history";

/** The inbox's address for a tab: `?view=history` (the page reads it), the opened request kept. */
const inboxHref = (view: View, request: string | null) => {
  const query = new URLSearchParams({ ...(request ? { request } : {}), ...(view === "history" ? { view } : {}) }).toString();
  return query ? `/approvals?${query}` : "/approvals";
};

/** `view` is the tab the address names (the page reads it): a click changes the address, so reload, back and links keep the tab. */
export function ApprovalsInbox({ initialRequest, view }: { initialRequest: string | null; view: View }) {
  useLiveInvalidation();
  const [tab, select] = useAddressedTab<View>(view, (value) => inboxHref(value, initialRequest));
  // Above the lists: the decided request leaves the pending list (and its card), the line stays.
  const [decided, setDecided] = useState<Decided | null>(null);
  return (
    <DecidedContext.Provider value={setDecided}>
      <FormStatus state={decided?.result} success={decided?.line} focusSuccess />
      {/* Toggle buttons in a labelled nav, as the policy studio's sections: a tablist would promise arrow keys and tab panels. */}
      <nav className="decision-tabs" aria-label="Approvals views">
        {(["pending", "history"] as const).map((value) => (
          <button key={value} type="button" aria-pressed={tab === value} className={tab === value ? "" : "secondary"} onClick={() => select(value)}>
            {value === "pending" ? "Pending" : "History"}
          </button>
        ))}
      </nav>
      {initialRequest ? <LinkedRequest id={initialRequest} /> : null}
      {tab === "pending" ? <PendingList initialRequest={initialRequest} /> : <History />}
    </DecidedContext.Provider>
  );
}

/** A request opened by link (a notification, a decision's page) that is no longer pending: shown above the lists. */
function LinkedRequest({ id }: { id: string }) {
  const query = useQuery(approvalQueries.detail(id));
  if (query.isPending || query.data?.item.status === "pending") return null;
  if (query.isError) return <p className="notice danger">Access request {id}: {(query.error).message}</p>;
  return (
    <section aria-label={`Access request ${id}`} style={{ marginBottom: "0.75rem" }}>
      <ApprovalCard item={query.data.item} open />
    </section>
  );
}

/** The inbox's orders (the server sorts: `sort` on GET /api/v1/approvals); most urgent first by default. */
const PENDING_SORTS = [
  ["expires", "Expiring soonest first"],
  ["created", "Oldest first"],
  ["-created", "Newest first"],
  ["-expires", "Expiring last first"],
] as const;

function PendingList({ initialRequest }: { initialRequest: string | null }) {
  const [sort, setSort] = useState<(typeof PENDING_SORTS)[number][0]>("expires");
  const sortId = useId();
  const query = useQuery(approvalQueries.list(`status=pending&sort=${sort}`));
  const sortPicker = (
    <div className="field inline" style={{ marginBottom: "0.75rem" }}>
      <label htmlFor={sortId}>Order</label>
      <select id={sortId} value={sort} onChange={(event) => setSort(event.target.value as typeof sort)}>
        {PENDING_SORTS.map(([value, label]) => (
          <option key={value} value={value}>
            {label}
          </option>
        ))}
      </select>
    </div>
  );
  if (query.isPending) return <SkeletonTable rows={3} label="pending requests" />;
  if (query.isError) return <p className="notice danger">{(query.error).message}</p>;
  const items = query.data.items;
  if (!items.length) {
    return (
      <div className="card empty-state">
        <p>Nothing waits for approval.</p>
        <p className="small">
          A call lands here when a <code>forbid</code> policy marked <code>@approval(&quot;owner&quot;)</code> denies it and its enforcement point submits an access request. See <Link href="/policies">Policies</Link>.
        </p>
      </div>
    );
  }
  const mine = items.filter((item) => item.canDecide);
  return (
    <section aria-labelledby="pending-heading">
      <h2 id="pending-heading" className="visually-hidden">
        Pending access requests
      </h2>
      {sortPicker}
      <p className="muted small" role="status" aria-live="polite">
        {mine.length} for you · {items.length} pending in all
      </p>
      <ul className="approval-list">
        {items.map((item) => (
          <li key={item.id}>
            <ApprovalCard item={item} open={item.id === initialRequest || items.length === 1} />
          </li>
        ))}
      </ul>
    </section>
  );
}

function ApprovalCard({ item, open: initiallyOpen }: { item: InboxItem; open: boolean }) {
  const [open, setOpen] = useState(initiallyOpen);
  const detailsId = useId();
  return (
    <article className="approval-card" data-mine={item.canDecide} aria-labelledby={`${detailsId}-title`} data-testid="approval-card">
      <div className="approval-head">
        <h3 id={`${detailsId}-title`} style={{ margin: 0, fontSize: "1rem" }}>
          <code>{item.action}</code> on <code>{item.resource.id}</code>
        </h3>
        <span className={`badge ${item.status === "approved" ? "ok" : item.status === "pending" ? "warn" : "danger"}`}>{item.status}</span>
      </div>
      <p className="small" style={{ margin: "0.3rem 0" }}>
        Agent <strong>{item.agentId ? <EntityRef kind="agent" id={item.agentId} name={item.agentName} /> : "unknown"}</strong>
        {item.ownerName ? <> · owner {item.ownerName}</> : null} · policy{" "}
        {item.policies.map((policyId, index) => (
          <span key={policyId}>
            {index ? ", " : ""}
            <EntityRef kind="policy" id={policyId} name={item.names.policies[policyId] ?? null} />
          </span>
        ))}{" "}
        · needs {item.requiredGroups.join(" + ")}
        {item.fourEyes ? " · four-eyes" : ""}
        {item.escalated ? " · escalated to security" : ""}
      </p>
      {item.justification ? <p className="small" style={{ margin: "0.3rem 0" }}>“{item.justification}”</p> : null}
      {isEmptyArguments(item.arguments) ? (
        <p className="muted small">The call carries no arguments.</p>
      ) : (
        <pre className="approval-args" aria-label="Arguments (sensitive values masked)">{JSON.stringify(item.arguments, null, 2)}</pre>
      )}
      <p className="small muted" style={{ margin: 0 }}>
        Requested {formatUtc(item.createdAt)} by {item.requester}
        {/* A decided or ended request no longer waits: its own expiry would read as still running. */}
        {item.status === "pending" ? ` · expires ${formatUtc(item.expiresAt)}` : ""}
      </p>
      {item.status === "pending" && item.heldUntil ? (
        <p className="small" style={{ margin: "0.3rem 0 0" }}>
          <HoldNotice heldUntil={item.heldUntil} expiresAt={item.expiresAt} />
        </p>
      ) : null}
      {item.status === "pending" ? <DecideForm item={item} /> : <Outcome item={item} />}
      <button type="button" className="link-button small" aria-expanded={open} aria-controls={detailsId} onClick={() => setOpen((value) => !value)}>
        {open ? "Hide context" : "Show task, chain, recent decisions and findings"}
      </button>
      <div id={detailsId} hidden={!open}>
        {open ? <DetailPanel id={item.id} /> : null}
      </div>
    </article>
  );
}

/**
 * The enforcement point's held call (the submission's held_until), ticking each second while it
 * waits, then saying that approving only lets the next attempt through. Not a live region: a
 * countdown read out every second would drown the page; the text is there when read.
 */
function HoldNotice({ heldUntil, expiresAt }: { heldUntil: string; expiresAt: string }) {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = () => {
      const current = Date.now();
      setNow(current);
      const next = nextHoldTickMs(heldUntil, current);
      if (next !== null) timer = setTimeout(tick, next);
    };
    timer = setTimeout(tick, 0);
    return () => clearTimeout(timer);
  }, [heldUntil]);
  // Before the first tick (hydration): the deadline alone, so server and browser agree.
  const text = now === null ? `The call waits until ${clockUtc(heldUntil)}` : holdLine(heldUntil, expiresAt, now).text;
  return <span data-testid="approval-hold">{text}</span>;
}

function Outcome({ item }: { item: InboxItem }) {
  return (
    <p className="small" style={{ margin: "0.4rem 0" }}>
      {item.status} {item.decidedAt ? `${formatUtc(item.decidedAt)} ` : ""}
      {item.decidedBy ? `by ${item.decidedBy}` : ""}
      {item.comment ? ` — “${item.comment}”` : ""}
      {item.approvalId ? (
        <>
          {" "}
          · approval <code>{item.approvalId}</code> until {formatUtc(item.approvedUntil!)}
          {item.usedAt ? ` · used ${formatUtc(item.usedAt)}` : ""}
          {item.agentId ? (
            <>
              {" "}
              · <Link href={`/decisions/explore?agent=${encodeURIComponent(item.agentId)}`}>decisions that followed</Link>
            </>
          ) : null}
        </>
      ) : null}
    </p>
  );
}

function DecideForm({ item }: { item: InboxItem }) {
  const client = useQueryClient();
  const announce = useContext(DecidedContext);
  const [comment, setComment] = useState("");
  const commentId = useId();
  const decide = useMutation({
    mutationFn: (decision: "approve" | "deny") => approvalApi.decide(item.id, decision, { comment }),
    // A refusal is said at the card, which stays; a new decision clears the last one's line.
    onMutate: () => announce(null),
    onSuccess: (data, decision) => announce({ result: { ok: true, data }, line: decisionStatusLine(decision, data.item) }),
    onSettled: () => client.invalidateQueries({ queryKey: approvalKeys.all }),
  });
  if (!item.canDecide) return <p className="small muted">{item.refusal ?? "Waiting for an approver."}</p>;
  return (
    <div className="approval-decide">
      <label htmlFor={commentId} className="small">
        Comment (kept in the audit trail)
      </label>
      <textarea id={commentId} value={comment} maxLength={2000} onChange={(event) => setComment(event.target.value)} />
      <div className="approval-buttons">
        <button type="button" disabled={decide.isPending} onClick={() => decide.mutate("approve")}>
          Approve{item.myGroups.length ? ` as ${item.myGroups[0]}` : ""}
        </button>
        <button type="button" className="danger" disabled={decide.isPending} onClick={() => decide.mutate("deny")}>
          Deny
        </button>
      </div>
      {decide.isError ? (
        <p className="notice danger" role="alert">
          {(decide.error).message}
        </p>
      ) : null}
    </div>
  );
}

const isEmptyArguments = (value: unknown) => value === null || value === undefined || (typeof value === "object" && Object.keys(value).length === 0);

/** An agent in a chain: by name, linked, when it is an inventory agent; otherwise the reference as the enforcement point sent it. */
function NamedAgent({ id, names }: { id: string; names: Record<string, string> }) {
  return names[id] ? <EntityRef kind="agent" id={id} name={names[id]} /> : <span className="mono">{id}</span>;
}

function DetailPanel({ id }: { id: string }) {
  const query = useQuery(approvalQueries.detail(id));
  if (query.isPending) return <p className="muted small">Loading…</p>;
  if (query.isError) return <p className="notice danger">{(query.error).message}</p>;
  const { item, owners, recentDecisions, findings, decisions } = query.data;
  return (
    <dl className="facts small" style={{ marginTop: "0.5rem" }}>
      <dt>Task</dt>
      <dd>
        {item.taskId ?? "—"}
        {item.taskPurpose ? ` — ${item.taskPurpose}` : ""}
      </dd>
      <dt>Initiated by</dt>
      <dd>{item.initiator ? <NamedAgent id={item.initiator} names={item.names.agents} /> : "not recorded by the enforcement point"}</dd>
      <dt>Delegation chain</dt>
      <dd>
        {item.delegation.length
          ? item.delegation.map((agentId, index) => (
              <span key={`${index}-${agentId}`}>
                {index ? " → " : ""}
                <NamedAgent id={agentId} names={item.names.agents} />
              </span>
            ))
          : "none"}
      </dd>
      {/* A pending request's card says it live, above; once decided, when the held call stopped waiting. */}
      {item.heldUntil && item.status !== "pending" ? (
        <>
          <dt>Held call</dt>
          <dd>The enforcement point held the call until {clockUtc(item.heldUntil)}</dd>
        </>
      ) : null}
      <dt>Owners</dt>
      <dd>{owners.length ? owners.map((owner) => owner.name).join(", ") : "no owner on record"}</dd>
      <dt>Approvals so far</dt>
      <dd>{item.approvals.length ? item.approvals.map((approval) => `${approval.group}: ${approval.label}`).join("; ") : "none"}</dd>
      <dt>Open findings</dt>
      <dd>{findings.length ? findings.map((finding) => finding.label).join(", ") : "none"}</dd>
      <dt>This agent&apos;s recent decisions (all tasks)</dt>
      <dd>
        {recentDecisions.length ? (
          <ul className="plain-list">
            {recentDecisions.map((decision) => (
              <li key={`${decision.enforcementPointId}/${decision.decisionId}`}>
                <Link href={decisionHref(decision)}>{formatUtc(decision.time, "second")}</Link> <DecisionAction name={decision.actionName} kind={decision.actionKind} /> — {decision.outcome}
              </li>
            ))}
          </ul>
        ) : (
          "none recorded"
        )}
      </dd>
      <dt>Decisions for this request</dt>
      <dd>
        {decisions.length ? (
          <ul className="plain-list" data-testid="approval-decisions">
            {decisions.map((decision) => (
              <li key={`${decision.enforcementPointId}/${decision.decisionId}`}>
                <Link href={decisionHref(decision)}>
                  {formatUtc(decision.time, "second")} {decision.actionName} — {decision.outcome}
                </Link>
              </li>
            ))}
          </ul>
        ) : (
          "none recorded yet"
        )}
      </dd>
      <dt>Request id</dt>
      <dd>
        <code>{item.id}</code>
      </dd>
    </dl>
  );
}

function History() {
  const [status, setStatus] = useState(HISTORY);
  const [q, setQ] = useState("");
  const [agent, setAgent] = useState("");
  const params = new URLSearchParams({ status, ...(q ? { q } : {}), ...(agent ? { agent } : {}) }).toString();
  const query = useQuery(approvalQueries.list(params));
  return (
    <section aria-labelledby="history-heading">
      <h2 id="history-heading" className="visually-hidden">
        History
      </h2>
      <form className="filters" style={{ marginBottom: "0.75rem" }} onSubmit={(event) => event.preventDefault()}>
        <label className="field">
          Status
          <select value={status} onChange={(event) => setStatus(event.target.value)}>
            <option value={HISTORY}>All decided</option>
            <option value="approved">Approved</option>
            <option value="denied">Denied</option>
            <option value="expired">Expired</option>
            <option value="cancelled">Cancelled</option>
            <option value={`pending,${HISTORY}`}>Everything</option>
          </select>
        </label>
        <AgentPicker id="history-agent" value={agent} onChange={setAgent} />
        <label className="field">
          Search
          <input type="search" value={q} onChange={(event) => setQ(event.target.value)} placeholder="tool, request id, justification" />
        </label>
      </form>
      {query.isPending ? <SkeletonTable rows={4} label="access requests" /> : null}
      {query.isError ? <p className="notice danger">{(query.error).message}</p> : null}
      {query.data && !query.data.items.length ? (
        <div className="card empty-state">
          {status === HISTORY && !q && !agent ? (
            <>
              <p>No access request has been decided yet.</p>
              <p className="small">When someone approves or denies a request, or one expires or is cancelled, it is listed here. Pending requests are under Pending.</p>
            </>
          ) : (
            <>
              <p>No access request matches these filters.</p>
              <p className="small">Clear the search or pick another status. Decided, expired and cancelled requests stay listed here.</p>
            </>
          )}
        </div>
      ) : null}
      {query.data?.items.length ? (
        <ul className="approval-list">
          {query.data.items.map((item) => (
            <li key={item.id}>
              <ApprovalCard item={item} open={false} />
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
