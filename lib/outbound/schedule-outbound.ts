import { startDeliveryLoop } from "./dispatcher";
import { getDatabase } from "@/db/client";

const holder = globalThis as typeof globalThis & { __stewardOutbound?: { stop: () => Promise<void> } };

/**
 * Starts this process's outbound delivery: a pass every 500 ms, each destination leased to one
 * process at a time across a fleet. Alert rule evaluation is the job queue's `alert-evaluation` job
 * (lib/jobs/definitions.ts). Returns a stop function for graceful shutdown; idempotent.
 */
export function scheduleOutbound(): { stop: () => Promise<void> } {
  if (holder.__stewardOutbound) return holder.__stewardOutbound;
  const delivery = startDeliveryLoop(getDatabase);
  holder.__stewardOutbound = {
    stop: async () => {
      await delivery.stop();
      holder.__stewardOutbound = undefined;
    },
  };
  return holder.__stewardOutbound;
}
