"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useAddressedTab } from "@/components/ui/use-addressed-tab";
import type { PolicyTemplate } from "@/lib/policies/templates";
import { countNoun } from "@/components/ui/count-noun";
import type { TestSeed } from "@/lib/policies/test-from-decision";
import { policyQueries } from "./api";
import { PolicyEditor } from "./policy-editor";
import { ReplayPanel } from "./replay-panel";
import { SchemaPanel } from "./schema-panel";
import { StatsPanel } from "./stats-panel";
import { STUDIO_TAB_SLUGS, type StudioTabSlug } from "./studio-tabs";
import { TestsPanel } from "./tests-panel";
import { VersionsPanel, type VersionSort } from "./versions-panel";

export type StudioPermissions = { canWrite: boolean; canPublish: boolean; canApprove: boolean; canManageSchema: boolean };

/** Each tab's label, by its name in the address. */
const TAB_LABELS: Record<StudioTabSlug, string> = { policies: "Policies", tests: "Tests", review: "Review and publish", replay: "Replay", usage: "Usage", schema: "Schema and entities" };
const studioHref = (tab: StudioTabSlug) => (tab === "policies" ? "/policies" : `/policies?tab=${tab}`);

/** The policy studio: the draft on the left, the selected policy (or a tab's panel) on the right. */
/**
 * `initialTab` is the tab the address names (`?tab=`): a click changes the address, so reload, back and
 * links keep the tab ("review" is also where the Versions table's header links come back to);
 * `versionSort` is that table's server order, as the page read `?sort=`.
 */
export function PolicyStudio({
  templates,
  permissions,
  initialPolicyId,
  testSeed,
  initialTab,
  versionSort,
}: {
  templates: PolicyTemplate[];
  permissions: StudioPermissions;
  initialPolicyId?: string;
  testSeed?: TestSeed;
  initialTab?: StudioTabSlug;
  versionSort?: VersionSort;
}) {
  const draft = useQuery(policyQueries.draft());
  const [tab, select] = useAddressedTab<StudioTabSlug>(testSeed ? "tests" : (initialTab ?? "policies"), studioHref);
  const [selected, setSelected] = useState<{ id: string | null; template?: PolicyTemplate; key: number }>(initialPolicyId ? { id: initialPolicyId, key: 1 } : { id: null, key: 0 });
  const [templateId, setTemplateId] = useState(templates[0]?.id ?? "");

  if (draft.isPending) return <p className="muted">Loading the draft…</p>;
  if (draft.error) return <p className="notice error">{draft.error.message}</p>;
  const { content, validation, tests, status } = draft.data;
  const selectedPolicy = content.policies.find((policy) => policy.id === selected.id) ?? null;
  const errorsByPolicy = new Map<string, number>();
  for (const item of validation.diagnostics) if (item.severity === "error") errorsByPolicy.set(item.source, (errorsByPolicy.get(item.source) ?? 0) + 1);
  const failing = tests.filter((test) => !test.passed).length;

  return (
    <div className="policy-studio">
      <nav aria-label="Policy studio sections" className="studio-tabs">
        {STUDIO_TAB_SLUGS.map((slug) => (
          <button key={slug} type="button" aria-pressed={tab === slug} onClick={() => select(slug)}>
            {TAB_LABELS[slug]}
            {slug === "tests" && failing ? <span className="badge danger"> {failing} failing</span> : null}
          </button>
        ))}
      </nav>
      {tab === "policies" ? (
        <div className="studio-columns">
          <aside aria-label="Draft policies" className="card policy-list">
            <h2>Draft</h2>
            {content.policies.length === 0 ? <p className="muted">No policies yet. Start from a template below.</p> : null}
            <ul>
              {content.policies.map((policy) => (
                <li key={policy.id}>
                  <button type="button" className="link-button" aria-current={policy.id === selected.id ? "true" : undefined} onClick={() => setSelected({ id: policy.id, key: selected.key + 1 })}>
                    {policy.description || policy.id}
                  </button>
                  {errorsByPolicy.get(policy.id) ? <span className="badge danger">{countNoun(errorsByPolicy.get(policy.id)!, "error")}</span> : null}
                </li>
              ))}
            </ul>
            {permissions.canWrite ? (
              <form
                className="stack"
                onSubmit={(event) => {
                  event.preventDefault();
                  setSelected({ id: null, template: templates.find((template) => template.id === templateId), key: selected.key + 1 });
                }}
              >
                <div className="field">
                  <label htmlFor="policy-template">Template</label>
                  <select id="policy-template" value={templateId} onChange={(event) => setTemplateId(event.target.value)}>
                    <option value="">Empty policy</option>
                    {templates.map((template) => (
                      <option key={template.id} value={template.id}>
                        {template.title}
                      </option>
                    ))}
                  </select>
                </div>
                <button type="submit">New policy</button>
              </form>
            ) : null}
          </aside>
          {selected.id !== null && !selectedPolicy ? (
            <section className="card empty-state">
              <h2>Not in the draft</h2>
              <p>
                The draft holds no policy <code>{selected.id}</code>: it was removed or renamed. Pick one from the list, or open <strong>Review and publish</strong> to read published versions.
              </p>
            </section>
          ) : selected.id === null && !selected.template && selected.key === 0 ? (
            <section className="card empty-state">
              <h2>Choose a policy</h2>
              <p>Pick a policy from the draft, or start a new one from a zero-trust template.</p>
            </section>
          ) : (
            <PolicyEditor
              key={selected.key}
              policy={selectedPolicy}
              template={selected.template}
              canWrite={permissions.canWrite}
              onSaved={(id) => setSelected((current) => ({ ...current, id }))}
              onDeleted={() => setSelected({ id: null, key: 0 })}
            />
          )}
        </div>
      ) : null}
      {tab === "tests" ? <TestsPanel results={tests} canWrite={permissions.canWrite} seed={testSeed} /> : null}
      {tab === "review" ? <VersionsPanel status={status} canPublish={permissions.canPublish} canApprove={permissions.canApprove} sort={versionSort} /> : null}
      {tab === "replay" ? <ReplayPanel canRun={permissions.canWrite} /> : null}
      {tab === "usage" ? <StatsPanel /> : null}
      {tab === "schema" ? <SchemaPanel schemaText={content.schemaText} entities={content.entities} canManage={permissions.canManageSchema} /> : null}
    </div>
  );
}
