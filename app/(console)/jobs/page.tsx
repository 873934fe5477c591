import type { Metadata } from "next";
import Link from "next/link";
import { requirePageActor } from "@/app/_server/page-guard";
import { RetryJobButton } from "@/components/jobs/retry-job-button";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { formatUtc } from "@/components/ui/format-utc";
import { PageHeader } from "@/components/ui/page-header";
import { readPageQuery } from "@/lib/http/query";
import { JOB_STATES, JobsFilters, jobsOverview } from "@/lib/jobs/admin";
import { replicaStatus, type ReplicaStatus } from "@/lib/replica/read-db";
import { retryJobAction } from "./actions";

export const metadata: Metadata = { title: "Jobs" };

const STATE_LABELS: Record<(typeof JOB_STATES)[number], string> = {
  created: "Queued",
  retry: "Waiting to retry",
  active: "Running",
  completed: "Completed",
  cancelled: "Cancelled",
  failed: "Failed",
};

export default async function JobsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requirePageActor("jobs.manage", "/jobs");
  const filters = readPageQuery(await searchParams, JobsFilters);
  const [overview, replica] = await Promise.all([jobsOverview({ ctx, filters }), replicaStatus()]);
  return (
    <>
      <PageHeader
        title="Jobs"
        description="The read replica's lag, and background work — run once per schedule tick (drains: once at a time, whenever new work commits) for every console on this database by the PostgreSQL job queue. A failed run is retried on its own; retry it here once its cause is fixed."
      />
      <ReplicaCard replica={replica} />
      {!overview.runningHere ? <p className="notice">The job queue is not running in this console yet (it starts once the database is open). The list below is read from the database.</p> : null}
      <DataTable
        caption="Schedules"
        rows={overview.queues}
        rowKey={(queue) => queue.name}
        columns={[
          { header: "Job", rowHeader: true, className: "mono", cell: (queue) => queue.name },
          { header: "What it does", cell: (queue) => queue.description },
          { header: "Schedule (cron, UTC)", cell: (queue) => queue.schedule },
          { header: "Retries", cell: (queue) => queue.retryLimit },
          { header: "Queued", cell: (queue) => (queue.counts.created ?? 0) + (queue.counts.retry ?? 0) },
          { header: "Running", cell: (queue) => queue.counts.active ?? 0 },
          { header: "Failed", cell: (queue) => queue.counts.failed ?? 0 },
          { header: "Last completed (UTC)", cell: (queue) => (queue.lastCompletedOn ? formatUtc(queue.lastCompletedOn, "second") : "—") },
        ]}
      />
      <form className="card inline" role="search" aria-label="Filter jobs">
        <div className="field">
          <label htmlFor="f-state">State</label>
          <select id="f-state" name="state" defaultValue={filters.state ?? ""}>
            <option value="">Any</option>
            {JOB_STATES.map((state) => (
              <option key={state} value={state}>
                {STATE_LABELS[state]}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">Filter</button>
        <Link href="/jobs">Clear</Link>
      </form>
      {overview.jobs.length === 0 ? (
        <EmptyState title={overview.installed ? "No jobs match" : "No jobs yet"}>
          {overview.installed ? "Runs appear here as their schedules fire; completed runs are archived after 12 hours (the drains' completed runs are not listed: see their last completion above). Clear the filter to see every state." : "The job queue creates its tables the first time a console starts it; refresh in a moment."}
        </EmptyState>
      ) : (
        <DataTable
          caption="Newest jobs"
          rows={overview.jobs}
          rowKey={(job) => job.id}
          rowAttributes={(job) => ({ "data-job-state": job.state, "data-job-name": job.name })}
          columns={[
            { header: "Job", rowHeader: true, className: "mono", cell: (job) => job.name },
            { header: "State", cell: (job) => STATE_LABELS[job.state] },
            { header: "Attempts", cell: (job) => `${job.retryCount + (job.state === "created" ? 0 : 1)} of ${job.retryLimit + 1}` },
            { header: "Queued (UTC)", cell: (job) => formatUtc(job.createdOn, "second") },
            { header: "Finished (UTC)", cell: (job) => (job.completedOn ? formatUtc(job.completedOn, "second") : "—") },
            { header: "Error", cell: (job) => (job.error ? <span className="notice error">{job.error}</span> : "—") },
            { header: "Action", cell: (job) => (job.state === "failed" ? <RetryJobButton name={job.name} id={job.id} retry={retryJobAction} /> : null) },
          ]}
        />
      )}
    </>
  );
}

const REPLICA_STATE: Record<Exclude<ReplicaStatus, { configured: false }>["state"], string> = {
  in_use: "In use: the overview, explorer, decision and agent pages read from it",
  lagging: "Too far behind: those pages read from the primary until it catches up",
  unreachable: "Unreachable: those pages read from the primary",
};

/** The read replica's lag against the replicaMaxLagSeconds setting (docs/operations.md, *Read replica*). */
function ReplicaCard({ replica }: { replica: ReplicaStatus }) {
  return (
    <section className="card" aria-labelledby="replica-heading">
      <h2 id="replica-heading">Read replica</h2>
      {replica.configured ? (
        <dl>
          <dt>State</dt>
          <dd data-replica-state={replica.state}>{REPLICA_STATE[replica.state]}</dd>
          <dt>Lag</dt>
          <dd>{replica.lagSeconds === null ? "unknown" : `${replica.lagSeconds.toFixed(1)} s`} (reads move to the primary at {replica.maxLagSeconds} s — the setting “Read from the primary while the read replica is this far behind”)</dd>
          {replica.error ? (
            <>
              <dt>Error</dt>
              <dd>{replica.error}</dd>
            </>
          ) : null}
          <dt>Measured (UTC)</dt>
          <dd>{formatUtc(replica.checkedAt, "second")}</dd>
        </dl>
      ) : (
        <p className="muted">No read replica: every page reads from the primary. Set DATABASE_READ_URL to a streaming replica of DATABASE_URL to move the read-heavy pages onto it.</p>
      )}
    </section>
  );
}
