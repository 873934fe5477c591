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

  installShutdownSignals({ deadlineMs: getLifecycleConfig().shutdownTimeoutMs, closeDatabase });
  followSupervisor(process.env.STEWARD_SUPERVISOR_PID);
  const { stopProcessJobQueue } = await import("./lib/jobs/process-queue");
  // Background work (findings refresh, partitions and retention, alert evaluation, outbound delivery, approval
  // expiry, escalation and deliveries) runs on the job queue: stopping it lets running jobs finish; an
  // unfinished one is failed over to another process by pg-boss.
  registerJob("job queue", () => stopProcessJobQueue());

  startInBackground({
    onReady: async () => {
      const { keepProcessJobQueueStarted } = await import("./lib/jobs/process-queue");
      const { startupStatus } = await import("./lib/startup");
      keepProcessJobQueueStarted(() => startupStatus().state === "stopping");
      const { announceSetupCode } = await import("./lib/users/setup-code");
      await announceSetupCode();
    },
    onFatal: refuseToStart,
  });
}
