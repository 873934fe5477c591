import { SkeletonCard, SkeletonPage, SkeletonTable } from "@/components/ui/skeleton";

/** An agent's page while it loads: facts and ownership side by side, the activity charts, then its tables. */
export default function AgentLoading() {
  return (
    <SkeletonPage label="the agent">
      <div className="detail-grid">
        <SkeletonCard lines={6} />
        <SkeletonCard lines={6} />
      </div>
      <SkeletonCard height="12rem" />
      <SkeletonTable rows={6} />
    </SkeletonPage>
  );
}
