import { SkeletonBlock, SkeletonLines, SkeletonPage, SkeletonTable } from "@/components/ui/skeleton";

/** Reports while they load: the create form, the coverage trend and the snapshots table. */
export default function ReportsLoading() {
  return (
    <SkeletonPage label="reports" title="Reports">
      <div className="card">
        <SkeletonLines count={4} />
      </div>
      <div className="card">
        <SkeletonBlock height="12rem" />
      </div>
      <SkeletonTable rows={6} />
    </SkeletonPage>
  );
}
