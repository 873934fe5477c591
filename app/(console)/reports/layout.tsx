import type { ReactNode } from "react";
import { requirePageActor } from "@/app/_server/page-guard";

/** The reports page's guard, run before loading.tsx streams (a streamed response can no longer be a 307 or 403). */
export default async function ReportsLayout({ children }: { children: ReactNode }) {
  await requirePageActor("reports.read", "/reports");
  return children;
}
