import { getDatabase } from "@/db/client";
import { ALERT_EVALUATION_MS, evaluateAlertRules } from "./alert-evaluator";
import { startDeliveryLoop } from "./dispatcher";

const holder = globalThis as typeof globalThis & { __stewardOutbound?: { stop: () => Promise<void> } };

/**
 * Starts this process's outbound work: a delivery pass every 500 ms (each destination leased to one
 * process at a time across a fleet) and alert rule evaluation every 30 s (serialised by a lock).
 * Returns a stop function for graceful shutdown; idempotent.
 */
export function scheduleOutbound(): { stop: () => Promise<void> } {
  if (holder.__stewardOutbound) return holder.__stewardOutbound;
  const delivery = startDeliveryLoop(getDatabase);
  let evaluating: Promise<unknown> | null = null;
  const evaluate = () => {
    if (evaluating) return;
    evaluating = getDatabase()
      .then((handle) => evaluateAlertRules(handle.db))
      .catch((error: unknown) => console.error(`alert rule evaluation failed: ${(error as Error).message}`))
      .finally(() => {
        evaluating = null;
      });
  };
  const timer = setInterval(evaluate, ALERT_EVALUATION_MS);
  timer.unref();
  holder.__stewardOutbound = {
    stop: async () => {
      clearInterval(timer);
      await Promise.all([delivery.stop(), evaluating]);
      holder.__stewardOutbound = undefined;
    },
  };
  return holder.__stewardOutbound;
}
