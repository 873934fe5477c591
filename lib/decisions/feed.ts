import { randomBytes } from "node:crypto";
import { getDatabase } from "@/db/client";
import { listBatchSummaries } from "@/db/decisions";
import { listenOnChannel } from "@/db/notify";
import type { DecisionSummary } from "./schemas";

/**
 * The live feed. Decisions committed in this process are handed to subscribers directly; other
 * processes on the same Postgres learn of each committed batch through one NOTIFY (sent inside the
 * batch's transaction, so it is delivered only on commit) and read that batch back. PGlite is
 * single-process, so the in-process path is the whole story there.
 */
export const FEED_CHANNEL = "steward_decisions";
export type FeedListener = (decisions: DecisionSummary[]) => void;
export type BatchNotice = { origin: string; enforcementPointId: string; receivedAt: string; firstTime: string; lastTime: string; count: number };

type FeedState = { origin: string; listeners: Set<FeedListener>; listening: Promise<void> | undefined };
const holder = globalThis as typeof globalThis & { __stewardFeed?: FeedState };
const state = (holder.__stewardFeed ??= { origin: randomBytes(8).toString("hex"), listeners: new Set(), listening: undefined });

export const feedOrigin = () => state.origin;

export const hasFeedListeners = () => state.listeners.size > 0;

export function publishDecisions(decisions: DecisionSummary[]): void {
  if (!decisions.length) return;
  for (const listener of state.listeners) {
    try {
      listener(decisions);
    } catch (error) {
      console.error("feed listener failed", error);
    }
  }
}

async function onNotice(payload: string): Promise<void> {
  const notice = JSON.parse(payload) as BatchNotice;
  if (notice.origin === state.origin || state.listeners.size === 0) return;
  const handle = await getDatabase();
  publishDecisions(await listBatchSummaries(handle, notice));
}

function listenAcrossProcesses(): Promise<void> {
  state.listening ??= (async () => {
    await listenOnChannel(await getDatabase(), FEED_CHANNEL, (payload) => {
      onNotice(payload).catch((error) => console.error("feed notice failed", error));
    });
  })().catch((error) => {
    state.listening = undefined;
    throw error;
  });
  return state.listening;
}

/** Subscribes to committed decisions from every process; returns the unsubscribe function. */
export async function subscribeToDecisions(listener: FeedListener): Promise<() => void> {
  state.listeners.add(listener);
  try {
    await listenAcrossProcesses();
  } catch (error) {
    state.listeners.delete(listener);
    throw error;
  }
  return () => state.listeners.delete(listener);
}
