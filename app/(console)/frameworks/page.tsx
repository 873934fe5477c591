import type { Metadata } from "next";
import Link from "next/link";
import { requirePageActor } from "@/app/_server/page-guard";
import { CoverageBar } from "@/components/frameworks/coverage-bar";
import { ImportFrameworkForm } from "@/components/frameworks/import-framework-form";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { hasPermission } from "@/lib/auth/require-permission";
import { readAlignment, readFrameworks } from "@/lib/frameworks/read-frameworks";
import { importFrameworkAction } from "./actions";

export const metadata: Metadata = { title: "Frameworks" };
export const dynamic = "force-dynamic";

const DAYS = 30;

export default async function FrameworksPage() {
  const ctx = await requirePageActor("frameworks.read", "/frameworks");
  const frameworks = await readFrameworks({ ctx });
  const alignment = frameworks.length ? await readAlignment({ ctx, frameworkIds: frameworks.map((f) => f.id), scope: { kind: "all" }, days: DAYS }) : null;
  return (
    <>
      <PageHeader
        title="Frameworks"
        description={`How all agents line up with each framework, from live evidence over the last ${DAYS} days (${alignment?.agentsInScope ?? 0} agents, ${alignment?.decisionsInPeriod ?? 0} decisions).`}
        actions={
          <div className="button-row">
            <Link className="button" href="/frameworks/controls">
              Control library
            </Link>
            {hasPermission(ctx.actor, "reports.read") ? (
              <Link className="button" href="/reports">
                Reports
              </Link>
            ) : null}
          </div>
        }
      />
      {!alignment ? (
        <EmptyState title="No frameworks loaded">Restart the console to load the shipped catalogs, or import one below.</EmptyState>
      ) : (
        <div className="grid-cards frameworks-grid">
          {alignment.frameworks.map(({ framework, coverage }) => (
            <section className="card" key={framework.id} aria-labelledby={`fw-${framework.id}`}>
              <h2 id={`fw-${framework.id}`}>
                <Link href={`/frameworks/${framework.id}`}>{framework.name}</Link>
              </h2>
              <p className="muted">
                {framework.publisher} · version {framework.version}
              </p>
              <CoverageBar coverage={coverage} />
            </section>
          ))}
        </div>
      )}
      {hasPermission(ctx.actor, "frameworks.import") ? (
        <details className="card">
          <summary>Import another framework</summary>
          <ImportFrameworkForm action={importFrameworkAction} />
        </details>
      ) : null}
    </>
  );
}
