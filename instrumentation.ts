/** At server start (not at build): migrate, create the bootstrap admin, and start background upkeep (findings, approval expiry/escalation/deliveries). */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { ensureStarted } = await import("./lib/startup");
    await ensureStarted();
    const { scheduleFindingsRefresh } = await import("./lib/findings/schedule-findings-refresh");
    scheduleFindingsRefresh();
    const { startApprovalWorker } = await import("./lib/approvals/worker");
    startApprovalWorker();
  }
}
