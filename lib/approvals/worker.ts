import { sweepAccessRequests } from "./access-requests";
import { deliverDue } from "./notify";

/** How often expiry, escalation and due deliveries are checked. */
export const APPROVAL_WORKER_INTERVAL_MS = 1_000;

type State = { timer: NodeJS.Timeout | undefined; running: boolean };
const holder = globalThis as typeof globalThis & { __stewardApprovalWorker?: State };

/**
 * Background upkeep, once per process: expire overdue access requests (a deny), escalate
 * unanswered owner requests to security, and send due webhook/callback deliveries. Several
 * processes may run it: transitions are conditional updates and deliveries are claimed with
 * SKIP LOCKED, so nothing is done twice.
 */
export function startApprovalWorker(): void {
  const state = (holder.__stewardApprovalWorker ??= { timer: undefined, running: false });
  if (state.timer) return;
  state.timer = setInterval(() => {
    if (state.running) return;
    state.running = true;
    void (async () => {
      try {
        await sweepAccessRequests();
        while ((await deliverDue()) > 0) {
          // keep going while a backlog is due
        }
      } catch (error) {
        console.error("approval upkeep failed; retrying next tick", error);
      } finally {
        state.running = false;
      }
    })();
  }, APPROVAL_WORKER_INTERVAL_MS);
  state.timer.unref();
}
