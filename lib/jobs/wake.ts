import type { JobQueue } from "./queue";

/** The drains that code committing new work wakes (their definitions are in lib/jobs/drains.ts). */
export type DrainName = "outbound-delivery" | "approval-upkeep";

type WakeState = { inFlight: boolean; again: boolean; lastSentAt: number; quietUntil: number };

/**
 * Wakes of one drain from one process are at least this far apart: under ingest at full rate a wake
 * per commit would be a send (an INSERT, and an UPDATE when a run is waiting) after every batch, back
 * to back. A run woken 50 ms later sees every commit of those 50 ms.
 */
export const WAKE_SPACING_MS = 50;
const holder = globalThis as typeof globalThis & { __stewardJobQueue?: Promise<JobQueue>; __stewardWakes?: Map<DrainName, WakeState> };
const wakes = (holder.__stewardWakes ??= new Map());

/**
 * How long a drain's run that found nothing it could serve (no enabled destination that is due) keeps
 * routine wakes away from it. Ingest commits decisions many times a second; with no destination to send
 * them to, each wake would only cost the queue a send and an empty run. A change that makes work
 * servable (a destination created, updated or resumed) wakes it regardless; one made on another
 * console is picked up by the drain's idle run, and this process wakes it again after this long.
 */
export const QUIET_HOLD_MS = 5_000;

function stateOf(name: DrainName): WakeState {
  let state = wakes.get(name);
  if (!state) wakes.set(name, (state = { inFlight: false, again: false, lastSentAt: 0, quietUntil: 0 }));
  return state;
}

/** Called by a drain after a run: whether it found nothing it could serve (see QUIET_HOLD_MS). */
export function noteDrainQuiet(name: DrainName, quiet: boolean, now = Date.now()): void {
  stateOf(name).quietUntil = quiet ? now + QUIET_HOLD_MS : 0;
}

/**
 * After a commit that created work for a drain (decisions for outbound delivery, an access request
 * or its deliveries for approval upkeep): make the drain's run due now, on whichever process's worker
 * polls first (this process's at once). Not awaited by callers and never throws: a lost wake costs the
 * drain's backstop interval, not the work. Wakes that arrive while one is being sent collapse into one
 * more send after it, at least WAKE_SPACING_MS after the last: a burst of commits costs a send per
 * 50 ms, not one per commit, and the last commit of a burst is always followed by a send. A process whose job
 * queue has not started (yet) skips the wake; the queue's start-up run and backstop pick the work up.
 * `unlessQuiet`: skip it while the drain's last run here found nothing it could serve (noteDrainQuiet).
 */
export function wakeJob(name: DrainName, options: { unlessQuiet?: boolean } = {}): void {
  const state = stateOf(name);
  if (options.unlessQuiet && state.quietUntil > Date.now()) return;
  if (state.inFlight) {
    state.again = true;
    return;
  }
  state.inFlight = true;
  void (async () => {
    const current = state;
    try {
      do {
        const wait = current.lastSentAt + WAKE_SPACING_MS - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        current.again = false;
        current.lastSentAt = Date.now();
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
