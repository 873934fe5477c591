import { getDatabase, type DatabaseHandle } from "@/db/client";
import { SWEEP_LIMIT, sweepAccessRequests } from "../approvals/access-requests";
import { deliverDue } from "../approvals/notify";
import { newId } from "../ids";
import { newDecisionWindow, runDeliveryPass } from "../outbound/dispatcher";
import type { DecisionWindow } from "../outbound/decision-window";
import type { DrainOutcome, JobDefinition } from "./queue";
import { noteDrainQuiet } from "./wake";

/**
 * How long one drain run keeps going while there is work before it hands over to a fresh run (queued at
 * once): a backlog drains at full speed, yet a run stays well inside its expiry and a stopping process
 * lets go within seconds.
 */
export const DRAIN_BUDGET_MS = 5_000;
/**
 * The drains' timing: a worker polls every 0.5 s (pg-boss's minimum) and an idle run queues the next
 * 0.5 s later. Work a commit wakes (decisions, access requests, their deliveries) starts within one
 * polling interval, at once in the committing process; work that falls due by time (expiry, escalation,
 * a retry's backoff) within the backstop plus one polling interval: 1 s. See docs/operations.md.
 */
export const DRAIN_POLLING_SECONDS = 0.5;
export const DRAIN_IDLE_REPEAT_SECONDS = 0.5;

/**
 * The queue's two drains. The queue makes them run one at a time across the fleet (a stately queue:
 * one run active, one waiting); the claims inside are what makes each item happen once — each
 * destination is leased (`leaseDueDestinations`), each approval delivery claimed with `FOR UPDATE
 * SKIP LOCKED`, each request's transition a conditional update — so an expired run's late writes,
 * a manual pass or a second queue never do an item twice.
 *
 * Each call makes its own process identity (the destination lease owner, and `runBy` in each run's
 * output on the jobs page) and decision window, so a test may start two queues in one process as two
 * processes would.
 */
/**
 * What both drains share. The chain restarts itself; the minute's cron only restores it if every
 * process lost it. A run lasts DRAIN_BUDGET_MS plus one pass (a destination pumped, or approval
 * deliveries sent 50 at a time, each send timing out at 10 s), well inside its expiry.
 */
const DRAIN_SCHEDULE = {
  cron: "* * * * *",
  retryLimit: 5,
  retryDelaySeconds: 1,
  expireInSeconds: 60,
  runAtStart: true,
  drain: { idleRepeatSeconds: DRAIN_IDLE_REPEAT_SECONDS, pollingIntervalSeconds: DRAIN_POLLING_SECONDS },
} satisfies Partial<JobDefinition>;

export function drainJobDefinitions(): JobDefinition[] {
  const owner = newId("proc");
  // One window per database handle, kept across runs: the next run continues where this one read to.
  let window: { handle: DatabaseHandle; window: DecisionWindow } | null = null;
  const windowFor = (handle: DatabaseHandle) => (window?.handle === handle ? window.window : (window = { handle, window: newDecisionWindow(handle) }).window);
  return [
    {
      name: "outbound-delivery",
      description: "Sends every outbound destination the decisions, audit entries and alerts it has not yet received (woken by ingest; every 0.5 s when idle)",
      ...DRAIN_SCHEDULE,
      run: async (): Promise<DrainOutcome & { runBy: string; delivered: number; dropped: number; failures: number }> => {
        const handle = await getDatabase();
        const started = Date.now();
        const total = { runBy: owner, delivered: 0, dropped: 0, failures: 0 };
        for (;;) {
          const pass = await runDeliveryPass(handle, owner, windowFor(handle));
          // Nothing due to send to: ingest stops waking this drain for a while (its idle runs go on).
          noteDrainQuiet("outbound-delivery", pass.destinations === 0);
          total.delivered += pass.delivered;
          total.dropped += pass.dropped;
          total.failures += pass.failures;
          const busy = pass.delivered + pass.dropped > 0;
          if (!busy) return { more: false, ...total };
          if (Date.now() - started >= DRAIN_BUDGET_MS) return { more: true, ...total };
        }
      },
    },
    {
      name: "approval-upkeep",
      description: "Expires overdue access requests, escalates unanswered ones, and sends due approval webhooks and PEP callbacks (woken by approval changes; every 0.5 s when idle)",
      ...DRAIN_SCHEDULE,
      run: async (): Promise<DrainOutcome & { runBy: string; expired: number; escalated: number; delivered: number }> => {
        const started = Date.now();
        const { expired, escalated } = await sweepAccessRequests();
        // A sweep handles at most SWEEP_LIMIT of each; a full one leaves more for the next run.
        const sweptAll = expired < SWEEP_LIMIT && escalated < SWEEP_LIMIT;
        let delivered = 0;
        for (;;) {
          const sent = await deliverDue();
          delivered += sent;
          if (sent === 0) return { more: !sweptAll, runBy: owner, expired, escalated, delivered };
          if (Date.now() - started >= DRAIN_BUDGET_MS) return { more: true, runBy: owner, expired, escalated, delivered };
        }
      },
    },
  ];
}
