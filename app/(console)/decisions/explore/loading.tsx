import { SkeletonBlock, SkeletonCard, SkeletonPage, SkeletonTable } from "@/components/ui/skeleton";

/** The explorer while it reads: filters, quick ranges, the chart and the decisions table. */
export default function ExploreLoading() {
  return (
    <SkeletonPage label="decisions" title="Explore decisions">
      <SkeletonBlock height="2.5rem" width="min(40rem, 100%)" />
      <SkeletonCard height="5rem" />
      <SkeletonCard height="14rem" />
      <SkeletonTable rows={10} />
    </SkeletonPage>
  );
}
