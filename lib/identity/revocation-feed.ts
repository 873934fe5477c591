import { EventEmitter } from "node:events";
import { getDatabase, type Executor } from "@/db/client";
import { latestRevocationSeq, readRevocationEvents } from "@/db/identity/revocations";
import { listenOnChannel } from "@/db/notify";
import { REVOCATION_CHANNEL } from "./constants";

/**
 * The revocation feed for enforcement points (`GET /api/v1/revocations?after=<cursor>&wait=<s≤30>`):
 * `{cursor, revoked: [{jti, exp}], endedTasks: [{taskId, exp}], revokedAgents: [{agentId, exp, revokedAt}]}`
 * with only entries still within their lifetime (`exp` in seconds since the epoch). Without
 * `after` it is the full current list; with it, what was appended since. With `wait` the request
 * is held until something new is appended (woken by NOTIFY from any process, or this process's
 * own signal) or the wait ends, then answers (an empty answer keeps the cursor).
 */
export type RevocationFeed = {
  cursor: string;
  revoked: { jti: string; exp: number }[];
  endedTasks: { taskId: string; exp: number }[];
  /** `revokedAt`: tokens of this agent issued at or before it are revoked (later ones are not, once it is re-enabled). */
  revokedAgents: { agentId: string; exp: number; revokedAt: number }[];
};

export const MAX_WAIT_SECONDS = 30;
/** Even without a signal, a waiter re-reads this often (a lost NOTIFY costs at most this). */
const RECHECK_MS = 1_000;

const holder = globalThis as typeof globalThis & { __stewardRevocationSignal?: EventEmitter; __stewardRevocationListening?: Promise<void> };
const signal = (holder.__stewardRevocationSignal ??= new EventEmitter().setMaxListeners(0));

export function announceRevocationsLocally(): void {
  signal.emit("changed");
}

function listen(): Promise<void> {
  holder.__stewardRevocationListening ??= (async () => {
    const handle = await getDatabase();
    await listenOnChannel(handle, REVOCATION_CHANNEL, () => announceRevocationsLocally(), { pglite: true });
  })().catch((error: unknown) => {
    holder.__stewardRevocationListening = undefined;
    console.error("listening for revocations failed; waiters fall back to re-reading every", RECHECK_MS, "ms", error);
  });
  return holder.__stewardRevocationListening;
}

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

export async function readRevocations(db: Executor, after: number | null, now = new Date()): Promise<RevocationFeed> {
  const rows = await readRevocationEvents(db, after, now);
  let cursor = rows.length ? rows.at(-1)!.seq : after;
  if (after === null) {
    // The full list's cursor is the newest entry of all, expired ones included.
    cursor = await latestRevocationSeq(db);
  }
  const feed: RevocationFeed = { cursor: String(cursor), revoked: [], endedTasks: [], revokedAgents: [] };
  for (const row of rows) {
    if (row.kind === "token") feed.revoked.push({ jti: row.ref, exp: seconds(row.expiresAt) });
    else if (row.kind === "task") feed.endedTasks.push({ taskId: row.ref, exp: seconds(row.expiresAt) });
    else feed.revokedAgents.push({ agentId: row.ref, exp: seconds(row.expiresAt), revokedAt: Math.ceil(row.at.getTime() / 1000) });
  }
  return feed;
}

const isEmpty = (feed: RevocationFeed) => !feed.revoked.length && !feed.endedTasks.length && !feed.revokedAgents.length;

/** Long-poll: answers at once when there is something after `after`, else waits up to `waitSeconds`. */
export async function waitForRevocations(db: Executor, after: number | null, waitSeconds: number, abort?: AbortSignal): Promise<RevocationFeed> {
  await listen();
  const deadline = Date.now() + Math.min(Math.max(waitSeconds, 0), MAX_WAIT_SECONDS) * 1000;
  // One abort listener for the whole wait, removed at the end: the loop re-reads every RECHECK_MS,
  // and a listener added per round stayed on the request's signal until it ended (30 per 30 s
  // long-poll: Node's MaxListenersExceededWarning in the console).
  let wake: () => void = () => {};
  const onAbort = () => wake();
  abort?.addEventListener("abort", onAbort, { once: true });
  try {
    for (;;) {
      // Subscribe before reading, so an append between the read and the wait is not missed.
      const woken = new Promise<void>((resolve) => (wake = resolve));
      signal.once("changed", wake);
      let timer: NodeJS.Timeout | undefined;
      try {
        const feed = await readRevocations(db, after, new Date());
        const remaining = deadline - Date.now();
        if (after === null || !isEmpty(feed) || remaining <= 0 || abort?.aborted) return feed;
        timer = setTimeout(wake, Math.min(RECHECK_MS, remaining));
        await woken;
      } finally {
        clearTimeout(timer);
        signal.off("changed", wake);
      }
    }
  } finally {
    abort?.removeEventListener("abort", onAbort);
  }
}
