import { statfsSync } from "node:fs";
import { getConfig } from "@/lib/config";
import { StewardError } from "@/lib/errors";

/**
 * PGlite on a full disk does not fail cleanly: a write that hits ENOSPC inside the WASM Postgres
 * spins at 100 % CPU and never answers, and the process stays wedged after space returns. So
 * Steward refuses writes before the disk is full: while the data folder's file system has less
 * than STEWARD_PGLITE_MIN_FREE_MB free (default 64 MiB — a WAL segment is 16 MiB and a checkpoint
 * may need several), state-changing requests answer 503 with Retry-After and /api/ready says why.
 * Reads keep working. The check is a statfs(2) call, cached for one second. PostgreSQL reports a
 * full disk as an ordinary error, so this applies to PGlite only.
 */
export type DiskSpace = { folder: string; freeBytes: number; minimumBytes: number; low: boolean };

const CACHE_MS = 1_000;
const holder = globalThis as typeof globalThis & { __stewardDiskSpace?: { at: number; value: DiskSpace | undefined; wasLow: boolean } };

/** The PGlite folder's free space against the minimum, or undefined on PostgreSQL. */
export function pgliteDiskSpace(now = Date.now()): DiskSpace | undefined {
  const cached = holder.__stewardDiskSpace;
  if (cached && now - cached.at < CACHE_MS) return cached.value;
  const config = getConfig();
  let value: DiskSpace | undefined;
  if (!config.databaseUrl) {
    try {
      const stats = statfsSync(config.pgliteDir);
      const freeBytes = Number(stats.bavail) * Number(stats.bsize);
      value = { folder: config.pgliteDir, freeBytes, minimumBytes: config.lifecycle.pgliteMinFreeBytes, low: freeBytes < config.lifecycle.pgliteMinFreeBytes };
    } catch {
      // The folder does not exist yet (start-up will say so); nothing to measure.
      value = undefined;
    }
  }
  const wasLow = cached?.wasLow ?? false;
  if (value && value.low !== wasLow) {
    if (value.low) console.error(`steward: ${lowSpaceMessage(value)}`);
    else console.info(`steward: the PGlite data folder ${value.folder} has ${mib(value.freeBytes)} MiB free again; writes are accepted`);
  }
  holder.__stewardDiskSpace = { at: now, value, wasLow: value?.low ?? false };
  return value;
}

const mib = (bytes: number) => Math.floor(bytes / 1024 / 1024);

export function lowSpaceMessage(space: DiskSpace): string {
  return `the PGlite data folder ${space.folder} has ${mib(space.freeBytes)} MiB free, below the ${mib(space.minimumBytes)} MiB minimum (STEWARD_PGLITE_MIN_FREE_MB); writes are refused until space is freed`;
}

/** Throws StewardError("unavailable") — 503 with Retry-After — while the PGlite folder is low on space. */
export function assertWritable(): void {
  const space = pgliteDiskSpace();
  if (space?.low) throw new StewardError("unavailable", `Steward is not accepting writes: ${lowSpaceMessage(space)}`);
}

/** For tests that change the threshold between cases. */
export function resetDiskSpaceForTests(): void {
  holder.__stewardDiskSpace = undefined;
}
