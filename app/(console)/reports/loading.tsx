import { SkeletonCard, SkeletonPage, SkeletonTable } from "@/components/ui/skeleton";

/** Reports while they load: the create form, the coverage trend and the snapshots table. */
export default function ReportsLoading() {
  return (
    <SkeletonPage label="reports" title="Reports">
      <SkeletonCard lines={4} />
      <SkeletonCard height="12rem" />
      <SkeletonTable rows={6} />
    </SkeletonPage>
  );
}
