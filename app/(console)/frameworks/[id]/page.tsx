import type { Metadata } from "next";
import Link from "next/link";
import { orNotFound, requirePageActor } from "@/app/_server/page-guard";
import { CoverageBar } from "@/components/frameworks/coverage-bar";
import { ScopePicker } from "@/components/frameworks/scope-picker";
import { ProvenanceNote } from "@/components/frameworks/provenance-note";
import { StatusBadge } from "@/components/frameworks/status-badge";
import { PageHeader } from "@/components/ui/page-header";
import { hasPermission } from "@/lib/auth/require-permission";
import { readPageQueryWithIgnored } from "@/lib/http/query";
import { catalogProvenanceLine, provenanceMarks } from "@/lib/frameworks/provenance";
import { readAlignment, readScopeOptions } from "@/lib/frameworks/read-frameworks";
import { AlignmentQuery } from "@/lib/frameworks/schemas";
import { addMappingAction, removeMappingAction, setApplicabilityAction } from "../actions";
import { ItemEvidence } from "@/components/frameworks/item-evidence";

const MAPPING_ACTIONS = { removeMapping: removeMappingAction, addMapping: addMappingAction, setApplicability: setApplicabilityAction };

export const metadata: Metadata = { title: "Framework alignment" };
export const dynamic = "force-dynamic";

type Search = Promise<Record<string, string | string[] | undefined>>;

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export default async function FrameworkPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Search }) {
  const { id } = await params;
  const ctx = await requirePageActor("frameworks.read", `/frameworks/${id}`);
  const search = await searchParams;
  // The one page reader: a bad scope or days is dropped on its own (that value's default), not both.
  const { query, ignored } = readPageQueryWithIgnored(search, AlignmentQuery);
  const scopeParam = ignored.includes("scope") ? "all" : (first(search.scope) ?? "all");
  const alignment = await orNotFound(readAlignment({ ctx, frameworkIds: [id], scope: query.scope, days: query.days }));
  const framework = alignment.frameworks[0]!;
  const results = new Map(alignment.controls.map((control) => [control.controlId, control]));
  const canEdit = hasPermission(ctx.actor, "frameworks.manage");
  const options = await readScopeOptions({ ctx });
  const scopeLabel = query.scope.kind === "agent" ? `agent ${query.scope.agentId}` : scopeParam === "all" ? "all agents" : scopeParam.replace(":", " ");
  return (
    <>
      <PageHeader
        title={framework.framework.name}
        description={
          <>
            Version {framework.framework.version} · {framework.framework.publisher}. Evidence for {scopeLabel} from {alignment.period.start.toISOString().slice(0, 10)} to{" "}
            {alignment.period.end.toISOString().slice(0, 10)}: {alignment.agentsInScope} agents, {alignment.decisionsInPeriod} decisions.
            <span className="provenance-line">
              {" "}
              {catalogProvenanceLine(framework.framework)} {framework.framework.provenanceNote}
            </span>
          </>
        }
        actions={
          <div className="button-row">
            <Link className="button" href={`/frameworks/${id}/crosswalk`}>
              Crosswalk
            </Link>
            <a className="button" href={`/api/v1/frameworks/${encodeURIComponent(id)}/mapping-collection`} download>
              OSCAL mapping collection
            </a>
            <Link className="button" href="/frameworks">
              All frameworks
            </Link>
          </div>
        }
      />
      <ScopePicker action={`/frameworks/${id}`} scope={scopeParam} days={query.days} teams={options.teams} environments={options.environments} />
      <form method="get" action={`/frameworks/${id}`} className="inline card" aria-label="Agent lens">
        <input type="hidden" name="days" value={query.days} />
        <div className="field">
          <label htmlFor="agent-lens">Agent lens: agent id</label>
          <input id="agent-lens" name="scope" placeholder="agent:agt_…" defaultValue={query.scope.kind === "agent" ? scopeParam : ""} pattern="agent:.+" />
        </div>
        <button type="submit">Show this agent</button>
      </form>
      <section className="card" aria-label="Coverage">
        <CoverageBar coverage={framework.coverage} />
      </section>
      <div className="table-wrap" tabIndex={0}>
        <table className="framework-tree">
          <caption className="visually-hidden">Items of {framework.framework.name} with their status and evidence</caption>
          <thead>
            <tr>
              <th scope="col">Item</th>
              <th scope="col">Status</th>
              <th scope="col">Controls, policies and evidence</th>
            </tr>
          </thead>
          <tbody>
            {framework.items.map((item) => (
              <tr key={item.itemId} id={`item-${encodeURIComponent(item.itemId)}`} data-item={item.itemId}>
                <th scope="row" style={{ paddingLeft: `${0.65 + item.depth * 1.25}rem` }} className={item.isLeaf ? "leaf" : "branch"}>
                  <span className="mono">{item.itemId}</span> {item.title}
                  <ProvenanceNote marks={provenanceMarks(item.idOrigin, item.titleOrigin)} />
                  {item.description ? <div className="muted small">{item.description}</div> : null}
                </th>
                <td>
                  <StatusBadge status={item.status} />
                  {item.notApplicableReason ? <div className="muted small">{item.notApplicableReason}</div> : null}
                </td>
                <ItemEvidence frameworkId={id} item={item} results={results} controls={alignment.controls} days={query.days} canEdit={canEdit} actions={MAPPING_ACTIONS} />
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
