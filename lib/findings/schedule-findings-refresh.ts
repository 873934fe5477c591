import { systemContext } from "../auth/actor";
import { refreshFindings } from "./refresh-findings";

const EVERY_MS = 10 * 60 * 1000;
const holder = globalThis as typeof globalThis & { __stewardFindingsTimer?: NodeJS.Timeout };

/**
 * Keeps findings current without anyone clicking: time alone makes an agent stale or an attestation
 * overdue. Each run takes an advisory lock, so several processes on one database take turns.
 */
export function scheduleFindingsRefresh(): void {
  if (holder.__stewardFindingsTimer) return;
  const run = () => refreshFindings({ ctx: systemContext("scheduled findings refresh") }).catch((error) => console.error("scheduled findings refresh failed", error));
  holder.__stewardFindingsTimer = setInterval(run, EVERY_MS);
  holder.__stewardFindingsTimer.unref();
  void run();
}
