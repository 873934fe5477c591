import { getDb } from "@/db/client";
import { systemContext } from "../auth/actor";
import { noteStandingCredentialUse } from "../identity/standing-credentials";
import { refreshFindings } from "./refresh-findings";

const EVERY_MS = 10 * 60 * 1000;
const holder = globalThis as typeof globalThis & { __stewardFindingsTimer?: NodeJS.Timeout };

/**
 * Keeps findings current without anyone clicking: time alone makes an agent stale or an attestation
 * overdue. Each run takes an advisory lock, so several processes on one database take turns.
 */
export function scheduleFindingsRefresh(): void {
  if (holder.__stewardFindingsTimer) return;
  const run = () =>
    refreshFindings({ ctx: systemContext("scheduled findings refresh") })
      // Standing credentials seen in use since the last run (a minute of overlap, so nothing falls between runs).
      .then(async () => noteStandingCredentialUse(await getDb(), new Date(Date.now() - EVERY_MS - 60_000)))
      .catch((error) => console.error("scheduled findings refresh failed", error));
  holder.__stewardFindingsTimer = setInterval(run, EVERY_MS);
  holder.__stewardFindingsTimer.unref();
  void run();
}
