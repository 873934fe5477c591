import type { Metadata } from "next";
import Link from "next/link";
import { orNotFound, requirePageActor } from "@/app/_server/page-guard";
import { readingFromReplica } from "@/app/_server/read-scope";
import { ExplainDecision } from "@/components/policies/explain-decision";
import { PageHeader } from "@/components/ui/page-header";
import { DecisionKeyQuery, getDecision } from "@/lib/decisions/explore-decisions";
import { getEnforcementPoint } from "@/lib/enforcement-points/list-enforcement-points";
import { traceHref } from "@/components/ui/entity-links";
import { DecisionsNav } from "@/components/decisions/decisions-nav";
import { OutcomeBadge } from "@/components/decisions/outcome-badge";
import { readPageQuery } from "@/lib/http/query";
import { accessRequestOfDecision } from "@/lib/approvals/inbox";
import { describeReason } from "@/lib/approvals/lifted-reason";
import { hasPermission } from "@/lib/auth/require-permission";

export const metadata: Metadata = { title: "Decision" };
export const dynamic = "force-dynamic";

const json = (value: unknown) => JSON.stringify(value, null, 2);

async function PageContent({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requirePageActor("decisions.read", "/decisions/view");
  const key = readPageQuery(await searchParams, DecisionKeyQuery);
  const decision = await orNotFound(getDecision({ ctx, key: { ep: key.ep, id: key.id, time: key.time?.toISOString() } }));
  const ep = await getEnforcementPoint({ ctx, id: decision.enforcementPointId }).catch(() => null);
  const trace = traceHref({ traceId: decision.traceId, taskId: decision.taskId });
  // Human reason text and the network address a sender reported (context.reason, context.source_address): shown as such, never as a policy or an identity.
  const context = decision.context && typeof decision.context === "object" && !Array.isArray(decision.context) ? (decision.context as Record<string, unknown>) : {};
  const reasonText = Array.isArray(context.reason) ? context.reason.filter((item): item is string => typeof item === "string").join(" · ") : typeof context.reason === "string" ? context.reason : null;
  const sourceAddress = typeof context.source_address === "string" ? context.source_address : null;
  // The approval this decision asked for or passed under (gateway records name it; the console PDP's reasons do).
  const accessRequest = hasPermission(ctx.actor, "approvals.read") ? await accessRequestOfDecision({ ctx, context: decision.context, reasons: decision.reasons }) : null;
  // A deny an approval lifted is recorded as "pol_… (lifted by approval apr_…)": said in words, the ids one click away.
  const reasons = decision.reasons.map((reason) => describeReason(reason, accessRequest ? { id: accessRequest.approvalId, approvers: accessRequest.approvers } : null));
  const lifted = reasons.find((reason) => reason.lifted);
  const fields: [string, React.ReactNode][] = [
    ["Decision id", <code key="id">{decision.decisionId}</code>],
    ["Outcome", <OutcomeBadge key="o" outcome={decision.outcome} />],
    ["Reason", reasonText || (lifted ? <span key="lifted" title={lifted.raw}>{lifted.text}</span> : null)],
    ["Time", decision.time.toISOString()],
    ["Received", decision.receivedAt.toISOString()],
    ["Agent", <span key="a"><Link href={`/agents/${encodeURIComponent(decision.agentId)}`}>{decision.agentRef}</Link> <span className="muted mono">{decision.agentId}</span></span>],
    ["SPIFFE id", decision.spiffeId],
    ["Client id", decision.clientId],
    ["Action", `${decision.actionName}${decision.actionKind ? ` (${decision.actionKind})` : ""}`],
    ["Resource", `${decision.resourceType}:${decision.resourceId}`],
    ["Destination", decision.destination],
    ["Source address", sourceAddress],
    ["Enforcement point", <Link key="ep" href={`/decisions/explore?ep=${encodeURIComponent(decision.enforcementPointId)}`}>{ep?.name ?? decision.enforcementPointId}</Link>],
    [
      "Approval",
      accessRequest ? (
        <span key="approval">
          <Link href={`/approvals?request=${encodeURIComponent(accessRequest.id)}`} data-testid="decision-approval-link">
            Access request {accessRequest.id}
          </Link>{" "}
          <span className="muted">
            ({accessRequest.status}
            {accessRequest.approvalId ? `, approval ${accessRequest.approvalId}` : ""})
          </span>
        </span>
      ) : null,
    ],
    ["Policy revision", decision.policyRevision],
    ["Latency", decision.latencyMs === null ? null : `${decision.latencyMs} ms`],
    ["Task", decision.taskId],
    ["Trace / span / parent", [decision.traceId, decision.spanId, decision.parentSpanId].map((part) => part ?? "—").join(" / ")],
    ["Content hash", <code key="h">{decision.contentHash}</code>],
  ];
  return (
    <>
      <PageHeader title={`Decision ${decision.decisionId}`} description={`${decision.agentRef} → ${decision.actionName}`} actions={trace ? <Link className="button" href={trace}>Open trace</Link> : undefined} />
      <DecisionsNav current="/decisions/explore" />
      <section className="card" aria-labelledby="fields">
        <h2 id="fields">Fields</h2>
        <dl className="decision-fields">
          {fields.map(([label, value]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd>{value ?? <span className="muted">—</span>}</dd>
            </div>
          ))}
        </dl>
      </section>
      <section className="card" aria-labelledby="reasons">
        <h2 id="reasons">Determining policies</h2>
        {reasons.length ? (
          <ul data-testid="decision-reasons">
            {reasons.map((reason) => (
              <li key={reason.raw}>
                {reason.lifted ? (
                  <>
                    <span title={reason.raw}>{reason.text}</span>
                    <details className="small">
                      <summary>Policy and approval ids</summary>
                      <code>{reason.raw}</code>
                    </details>
                  </>
                ) : (
                  <code>{reason.raw}</code>
                )}
              </li>
            ))}
          </ul>
        ) : (
          <p className="muted">The enforcement point reported none.</p>
        )}
      </section>
      <section className="card" aria-labelledby="delegation">
        <h2 id="delegation">Delegation chain</h2>
        {decision.delegation?.length ? <ol className="delegation-chain">{decision.delegation.map((hop, index) => <li key={`${hop}-${index}`}>{hop}</li>)}</ol> : <p className="muted">Direct: no delegation reported.</p>}
      </section>
      {(
        [
          ["Resource properties", decision.resourceProperties],
          ["Evaluated request (AuthZEN)", decision.request],
          ["Context", decision.context],
        ] as const
      ).map(([title, value]) => (
        <section className="card" key={title} aria-label={title}>
          <h2>{title}</h2>
          {value === null || value === undefined ? <p className="muted">None.</p> : <pre>{json(value)}</pre>}
        </section>
      ))}
      {decision.request ? (
        <section className="card" aria-labelledby="evaluate-now">
          <h2 id="evaluate-now">Evaluate now</h2>
          <p className="muted">Re-evaluate the recorded request under the current published policies, or any published version.</p>
          <ExplainDecision enforcementPointId={decision.enforcementPointId} decisionId={decision.decisionId} />
          {hasPermission(ctx.actor, "policies.write") ? (
            <p>
              <Link href={`/policies?${new URLSearchParams({ fromEp: decision.enforcementPointId, fromDecision: decision.decisionId })}`} prefetch={false}>
                Make a test from this decision
              </Link>{" "}
              <span className="muted">: the policy studio opens its Tests tab with this request, its entities and the recorded outcome filled in.</span>
            </p>
          ) : null}
        </section>
      ) : null}
    </>
  );
}

/** Reads from the read replica when one is configured and close enough (docs/operations.md, *Read replica*). */
export default async function Page(props: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  return readingFromReplica(() => PageContent(props));
}
