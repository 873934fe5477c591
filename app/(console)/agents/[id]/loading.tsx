import { SkeletonBlock, SkeletonLines, SkeletonPage, SkeletonTable } from "@/components/ui/skeleton";

/** An agent's page while it loads: facts and ownership side by side, the activity charts, then its tables. */
export default function AgentLoading() {
  return (
    <SkeletonPage label="the agent">
      <div className="detail-grid">
        <div className="card">
          <SkeletonLines count={6} />
        </div>
        <div className="card">
          <SkeletonLines count={6} />
        </div>
      </div>
      <div className="card">
        <SkeletonBlock height="12rem" />
      </div>
      <SkeletonTable rows={6} />
    </SkeletonPage>
  );
}
