import { getDb, type Db } from "@/db/client";
import { measureReplicaLag, openReplica, readScope, type ReplicaHandle } from "@/db/replica";
import { getConfig } from "../config";
import { getSettings } from "../settings/settings";

/**
 * The read replica (DATABASE_READ_URL): read-heavy pages read from it while it is close enough to
 * the primary; everything else — every write, every API route, the page right after a change — uses
 * the primary. Shapes: lags in seconds.
 */
export type ReplicaStatus =
  | { configured: false }
  | { configured: true; state: "in_use" | "lagging" | "unreachable"; lagSeconds: number | null; maxLagSeconds: number; checkedAt: Date; error: string | null };

/** A lag reading is reused this long (ms), so a page's several reads ask the replica once. */
const LAG_CACHE_MS = 1_000;

type Holder = { __stewardReplica?: Promise<ReplicaHandle>; __stewardReplicaStatus?: { at: number; status: Promise<ReplicaStatus> } };
const holder = globalThis as typeof globalThis & Holder;

function replica(): Promise<ReplicaHandle> | undefined {
  if (!holder.__stewardReplica) {
    const url = getConfig().databaseReadUrl;
    if (!url) return undefined;
    const opening = openReplica(url);
    opening.catch(() => {
      if (holder.__stewardReplica === opening) holder.__stewardReplica = undefined;
    });
    holder.__stewardReplica = opening;
  }
  return holder.__stewardReplica;
}

async function measure(): Promise<ReplicaStatus> {
  const opening = replica();
  if (!opening) return { configured: false };
  const { replicaMaxLagSeconds: maxLagSeconds } = await getSettings(await getDb());
  const checkedAt = new Date();
  try {
    const lagSeconds = await measureReplicaLag(await opening);
    return { configured: true, state: lagSeconds < maxLagSeconds ? "in_use" : "lagging", lagSeconds, maxLagSeconds, checkedAt, error: null };
  } catch (error) {
    return { configured: true, state: "unreachable", lagSeconds: null, maxLagSeconds, checkedAt, error: (error as Error).message };
  }
}

/** The replica's state now (measured at most once a second): lag, the setting, and whether reads use it. */
export function replicaStatus(): Promise<ReplicaStatus> {
  const cached = holder.__stewardReplicaStatus;
  if (cached && Date.now() - cached.at < LAG_CACHE_MS) return cached.status;
  const status = measure();
  holder.__stewardReplicaStatus = { at: Date.now(), status };
  return status;
}

/**
 * The database a read should use: the replica inside a replica read scope (app/_server/read-scope.ts)
 * while its lag is under `replicaMaxLagSeconds`; the primary otherwise — no replica configured, outside
 * a scope, after a recent change by this person, replica unreachable or too far behind. Never fails
 * because of the replica.
 */
export async function readDb(): Promise<Db> {
  if (!readScope.getStore()?.useReplica) return getDb();
  const status = await replicaStatus();
  if (!status.configured || status.state !== "in_use") return getDb();
  return (await replica()!).db;
}

/** Runs `fn` with its reads allowed on the replica (or not): for pages, through app/_server/read-scope.ts. */
export function withReadScope<T>(useReplica: boolean, fn: () => Promise<T>): Promise<T> {
  return readScope.run({ useReplica }, fn);
}

/** How long after a change a person's pages read from the primary (read-your-own-writes), in ms. */
export async function recentWriteWindowMs(): Promise<number> {
  const status = await replicaStatus();
  return status.configured ? status.maxLagSeconds * 1000 : 0;
}

/** Tests point the process at their own replica (or none). */
export async function setReplicaForTests(url: string | undefined): Promise<void> {
  const previous = holder.__stewardReplica;
  holder.__stewardReplica = url ? openReplica(url) : undefined;
  holder.__stewardReplicaStatus = undefined;
  await (await previous?.catch(() => undefined))?.close();
}
