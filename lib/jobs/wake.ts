import type { JobQueue } from "./queue";

/** The drains that code committing new work wakes (their definitions are in lib/jobs/drains.ts). */
export type DrainName = "outbound-delivery" | "approval-upkeep";

type WakeState = { inFlight: boolean; again: boolean };
const holder = globalThis as typeof globalThis & { __stewardJobQueue?: Promise<JobQueue>; __stewardWakes?: Map<DrainName, WakeState> };
const wakes = (holder.__stewardWakes ??= new Map());

/**
 * After a commit that created work for a drain (decisions for outbound delivery, an access request
 * or its deliveries for approval upkeep): make the drain's run due now, on whichever process's worker
 * polls first (this process's at once). Not awaited by callers and never throws: a lost wake costs the
 * drain's backstop interval, not the work. Wakes that arrive while one is being sent collapse into one
 * more send after it, so a burst of commits costs two sends, not one per commit. A process whose job
 * queue has not started (yet) skips the wake; the queue's start-up run and backstop pick the work up.
 */
export function wakeJob(name: DrainName): void {
  let state = wakes.get(name);
  if (!state) wakes.set(name, (state = { inFlight: false, again: false }));
  if (state.inFlight) {
    state.again = true;
    return;
  }
  state.inFlight = true;
  void (async () => {
    const current = state;
    try {
      do {
        current.again = false;
        const queue = await holder.__stewardJobQueue?.catch(() => undefined);
        // A queue started without this drain (a test's) has nothing to wake.
        if (!queue?.definitions.some((definition) => definition.name === name)) return;
        await queue.wake(name);
      } while (current.again);
    } catch (error) {
      console.error(`job queue: waking ${name} failed (${(error as Error).message}); its backstop run picks the work up`);
    } finally {
      current.inFlight = false;
    }
  })();
}
