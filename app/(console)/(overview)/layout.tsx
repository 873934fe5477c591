import type { ReactNode } from "react";
import { requirePageActor } from "@/app/_server/page-guard";

/**
 * The Overview's guard, run before loading.tsx's skeleton starts streaming: once a response streams its
 * status is 200, so a sign-in redirect (307) or a refusal (403) must be decided here, outside the Suspense
 * boundary loading.tsx adds. The page checks again for its own context.
 */
export default async function OverviewLayout({ children }: { children: ReactNode }) {
  await requirePageActor("console.read", "/");
  return children;
}
