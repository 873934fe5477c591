/**
 * At server start (not at build): open and migrate the database in the background (retrying until it
 * is reachable; requests meanwhile get 503), then start background upkeep and print the first-run
 * setup code; and take over SIGTERM/SIGINT for the graceful stop. Never throws: a throw here makes
 * Next answer every request with a plain-text 500 for the life of the process.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startInBackground } = await import("./lib/startup");
  const { registerJob } = await import("./lib/shutdown");
  const { followSupervisor, installShutdownSignals, refuseToStart } = await import("./lib/process-signals");
  const { closeDatabase } = await import("./db/client");
  const { getLifecycleConfig } = await import("./lib/config");
  const timers = globalThis as typeof globalThis & { __stewardFindingsTimer?: NodeJS.Timeout; __stewardPartitionTimer?: NodeJS.Timeout };

  installShutdownSignals({ deadlineMs: getLifecycleConfig().shutdownTimeoutMs, closeDatabase });
  followSupervisor(process.env.STEWARD_SUPERVISOR_PID);
  // These timers belong to their modules and live on globalThis; clearing them is enough, the process exits next.
  registerJob("findings refresh", () => clearInterval(timers.__stewardFindingsTimer));
  registerJob("decision partition maintenance", () => clearInterval(timers.__stewardPartitionTimer));

  startInBackground({
    onReady: async () => {
      const { scheduleFindingsRefresh } = await import("./lib/findings/schedule-findings-refresh");
      scheduleFindingsRefresh();
      const { scheduleOutbound } = await import("./lib/outbound/schedule-outbound");
      const outbound = scheduleOutbound();
      registerJob("outbound delivery and alert rules", () => outbound.stop());
      const { startApprovalWorker } = await import("./lib/approvals/worker");
      startApprovalWorker();
      const approvalWorker = globalThis as typeof globalThis & { __stewardApprovalWorker?: { timer?: NodeJS.Timeout } };
      registerJob("approval expiry, escalation and deliveries", () => clearInterval(approvalWorker.__stewardApprovalWorker?.timer));
      const { announceSetupCode } = await import("./lib/users/setup-code");
      await announceSetupCode();
    },
    onFatal: refuseToStart,
  });
}
