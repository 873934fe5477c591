import { randomBytes } from "node:crypto";
import { notifyApprovalChannel } from "@/db/approvals";
import { getDatabase, type Executor } from "@/db/client";
import { listenOnChannel } from "@/db/notify";
import { wakeJob } from "../jobs/wake";

/**
 * Access-request changes, for long-polling PEPs and the console's pending badge. A change committed
 * in this process is announced directly (after commit); other processes on the same PostgreSQL
 * learn of it through NOTIFY, sent inside the changing transaction so it is delivered only on
 * commit. PGlite is single-process, so the in-process path is the whole story there.
 */
export const APPROVALS_CHANNEL = "steward_approvals";
export type ApprovalChange = { id: string; status: string };
type Listener = (change: ApprovalChange) => void;

type State = { origin: string; byTask: Map<string, Set<() => void>>; listeners: Set<Listener>; listening: Promise<void> | undefined };
const holder = globalThis as typeof globalThis & { __stewardApprovalEvents?: State };
const state = (holder.__stewardApprovalEvents ??= { origin: randomBytes(8).toString("hex"), byTask: new Map(), listeners: new Set(), listening: undefined });

function dispatch(change: ApprovalChange): void {
  const waiters = state.byTask.get(change.id);
  if (waiters) for (const wake of [...waiters]) wake();
  for (const listener of state.listeners) {
    try {
      listener(change);
    } catch (error) {
      console.error("approval listener failed", error);
    }
  }
}

/** Inside the changing transaction: tells other processes once it commits. */
export async function notifyInTransaction(tx: Executor, change: ApprovalChange): Promise<void> {
  await notifyApprovalChannel(tx, APPROVALS_CHANNEL, JSON.stringify({ ...change, origin: state.origin }));
}

/** The statuses that end a request: their PEP callback and webhooks are woken out at once. */
const TERMINAL_STATUSES = new Set(["approved", "denied", "expired", "cancelled"]);

/**
 * After commit: wakes this process's waiters, and — when the request ended — the `approval-upkeep`
 * drain, so its callback and webhooks go out now. A new or escalated request's webhooks wait for the
 * drain's idle run (within 1 s): creating requests is the hot path a PEP drives, and a wake there
 * would cost each one a queue send and a run.
 */
export function announce(change: ApprovalChange): void {
  dispatch(change);
  if (TERMINAL_STATUSES.has(change.status)) wakeJob("approval-upkeep");
}

function listenAcrossProcesses(): Promise<void> {
  state.listening ??= (async () => {
    await listenOnChannel(await getDatabase(), APPROVALS_CHANNEL, (payload) => {
      try {
        const change = JSON.parse(payload) as ApprovalChange & { origin: string };
        if (change.origin !== state.origin) dispatch({ id: change.id, status: change.status });
      } catch (error) {
        console.error("approval notice failed", error);
      }
    });
  })().catch((error) => {
    state.listening = undefined;
    throw error;
  });
  return state.listening;
}

/**
 * Resolves when the task changes or after `timeoutMs` (or on abort), whichever comes first.
 * Subscribe before reading the row, then read, then await: a change between the two is not lost.
 */
export async function subscribeToTask(id: string): Promise<{ changed: (timeoutMs: number, signal?: AbortSignal) => Promise<boolean>; close: () => void }> {
  let fired = false;
  let wake: (() => void) | undefined;
  const waiter = () => {
    fired = true;
    wake?.();
  };
  const set = state.byTask.get(id) ?? new Set();
  set.add(waiter);
  state.byTask.set(id, set);
  const close = () => {
    set.delete(waiter);
    if (!set.size && state.byTask.get(id) === set) state.byTask.delete(id);
  };
  await listenAcrossProcesses().catch((error) => console.error("listening for approval changes failed; long-poll falls back to its timeout", error));
  return {
    close,
    changed: (timeoutMs, signal) =>
      new Promise<boolean>((resolve) => {
        if (fired) return resolve(true);
        const timer = setTimeout(() => finish(false), timeoutMs);
        const onAbort = () => finish(false);
        function finish(value: boolean) {
          clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
          wake = undefined;
          resolve(value);
        }
        wake = () => finish(true);
        signal?.addEventListener("abort", onAbort);
      }),
  };
}

/** Every change (the console's pending badge); returns the unsubscribe function. */
export async function subscribeToApprovalChanges(listener: Listener): Promise<() => void> {
  state.listeners.add(listener);
  await listenAcrossProcesses().catch((error) => console.error("listening for approval changes failed", error));
  return () => state.listeners.delete(listener);
}
