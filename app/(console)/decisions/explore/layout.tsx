import type { ReactNode } from "react";
import { requirePageActor } from "@/app/_server/page-guard";

/**
 * The explorer's guard, run before loading.tsx's skeleton starts streaming (a streamed response is a 200,
 * so a 307 to sign-in or a 403 must be decided outside loading.tsx's Suspense boundary).
 */
export default async function ExploreLayout({ children }: { children: ReactNode }) {
  await requirePageActor("decisions.read", "/decisions/explore");
  return children;
}
