import { SkeletonBlock, SkeletonCards, SkeletonPage } from "@/components/ui/skeleton";

/** The Overview while its numbers load: the attention row, the decisions chart and the card grid. */
export default function OverviewLoading() {
  return (
    <SkeletonPage label="the Overview" title="Overview">
      <div className="overview-grid">
        <div className="card overview-card overview-wide">
          <SkeletonBlock height="4rem" />
        </div>
        <div className="card overview-card overview-wide">
          <SkeletonBlock height="14rem" />
        </div>
      </div>
      <SkeletonCards count={4} />
    </SkeletonPage>
  );
}
