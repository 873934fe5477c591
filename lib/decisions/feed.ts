import { randomBytes } from "node:crypto";
import { agentNames } from "@/db/agents";
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
/** Sent at commit by a trigger on every rename or deletion of an agent (migration 0022), with the agent's id. */
const AGENT_NAMES_CHANNEL = "steward_agent_names";
export type FeedListener = (decisions: DecisionSummary[]) => void;
export type BatchNotice = { origin: string; enforcementPointId: string; receivedAt: string; firstTime: string; lastTime: string; count: number };

/** An agent's name as last read (null: no such inventory agent), and when it was read (ms). */
type CachedName = { name: string | null; readAt: number };
type FeedState = { origin: string; listeners: Set<FeedListener>; listening: Promise<void> | undefined; agentNames: Map<string, CachedName>; delivery: Promise<void> };
const holder = globalThis as typeof globalThis & { __stewardFeed?: FeedState };
const state = (holder.__stewardFeed ??= { origin: randomBytes(8).toString("hex"), listeners: new Set(), listening: undefined, agentNames: new Map(), delivery: Promise.resolve() });
// A process started before names joined the feed keeps its holder across a dev reload.
state.agentNames ??= new Map();
state.delivery ??= Promise.resolve();

/**
 * How long a looked-up name is reused (ms). A rename or deletion drops the cached name at once, in
 * every process, when its notice arrives; this bound only matters while that listening connection is down.
 */
export const AGENT_NAME_TTL_MS = 30_000;
/** Names kept per process; past this the oldest entries are dropped (Map keeps insertion order). */
const AGENT_NAME_CACHE_MAX = 10_000;

export const feedOrigin = () => state.origin;

export const hasFeedListeners = () => state.listeners.size > 0;

/**
 * Adds each decision's inventory agent name (`agentName`), read in one batched lookup for the ids
 * not cached in the last AGENT_NAME_TTL_MS. People (`person:…`) are not agents and get none. If the
 * lookup fails the batch goes out unnamed (the page shows the id): the feed never stalls on names.
 */
async function withAgentNames(decisions: DecisionSummary[]): Promise<DecisionSummary[]> {
  const now = Date.now();
  const missing = [...new Set(decisions.map((decision) => decision.agentId))].filter((id) => !id.startsWith("person:") && !(now - (state.agentNames.get(id)?.readAt ?? -Infinity) < AGENT_NAME_TTL_MS));
  if (missing.length) {
    try {
      const found = new Map((await agentNames((await getDatabase()).db, missing)).map((row) => [row.id, row.name]));
      for (const id of missing) {
        state.agentNames.delete(id);
        state.agentNames.set(id, { name: found.get(id) ?? null, readAt: now });
      }
      for (const id of state.agentNames.keys()) {
        if (state.agentNames.size <= AGENT_NAME_CACHE_MAX) break;
        state.agentNames.delete(id);
      }
    } catch (error) {
      console.error("feed agent names could not be read", error);
    }
  }
  return decisions.map((decision) => ({ ...decision, agentName: state.agentNames.get(decision.agentId)?.name ?? null }));
}

function deliver(decisions: DecisionSummary[]): void {
  for (const listener of state.listeners) {
    try {
      listener(decisions);
    } catch (error) {
      console.error("feed listener failed", error);
    }
  }
}

/**
 * Hands committed decisions, named, to every subscriber. Delivery is asynchronous (the name lookup)
 * but in publishing order; the promise settles once this batch was delivered.
 */
export function publishDecisions(decisions: DecisionSummary[]): Promise<void> {
  if (!decisions.length || !state.listeners.size) return state.delivery;
  state.delivery = state.delivery.then(async () => deliver(await withAgentNames(decisions)));
  return state.delivery;
}

async function onNotice(payload: string): Promise<void> {
  const notice = JSON.parse(payload) as BatchNotice;
  if (notice.origin === state.origin || state.listeners.size === 0) return;
  const handle = await getDatabase();
  await publishDecisions(await listBatchSummaries(handle, notice));
}

function listenAcrossProcesses(): Promise<void> {
  state.listening ??= (async () => {
    const handle = await getDatabase();
    // PGlite too: its renames are this process's own, and their notices are how its cache learns of them.
    await listenOnChannel(handle, AGENT_NAMES_CHANNEL, (agentId) => state.agentNames.delete(agentId), { pglite: true });
    await listenOnChannel(handle, FEED_CHANNEL, (payload) => {
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
