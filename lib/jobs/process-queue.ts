import { getDatabase } from "@/db/client";
import { getConfig } from "../config";
import { JOB_DEFINITIONS } from "./definitions";
import { startJobQueue, type JobQueue } from "./queue";

const holder = globalThis as typeof globalThis & { __stewardJobQueue?: Promise<JobQueue> };

/**
 * Starts this process's job queue on the console's database (once; later calls get the same queue).
 * A failed start is forgotten so the next call tries again.
 */
export function startProcessJobQueue(): Promise<JobQueue> {
  if (!holder.__stewardJobQueue) {
    const starting = (async () => startJobQueue({ handle: await getDatabase(), connectionString: getConfig().databaseUrl, definitions: JOB_DEFINITIONS }))();
    starting.catch(() => {
      if (holder.__stewardJobQueue === starting) holder.__stewardJobQueue = undefined;
    });
    holder.__stewardJobQueue = starting;
  }
  return holder.__stewardJobQueue;
}

/**
 * Starts the queue in the background and keeps trying (every 15 s) until it has started or the
 * process stops; never throws, so one failing start does not hold up the rest of start-up.
 */
export function keepProcessJobQueueStarted(isStopping: () => boolean): void {
  startProcessJobQueue().catch((error: unknown) => {
    if (isStopping()) return;
    console.error(`job queue: start failed (${(error as Error).message}); retrying in 15 s`);
    setTimeout(() => keepProcessJobQueueStarted(isStopping), 15_000).unref();
  });
}

/** This process's queue if it has been started, else undefined (e.g. while the database is still opening). */
export async function processJobQueue(): Promise<JobQueue | undefined> {
  return holder.__stewardJobQueue?.catch(() => undefined);
}

/** Stops this process's queue, letting running jobs finish (graceful stop). */
export async function stopProcessJobQueue(): Promise<void> {
  const queue = await processJobQueue();
  holder.__stewardJobQueue = undefined;
  await queue?.stop();
}

/** Tests that start their own queue make it the process's. */
export function setProcessJobQueueForTests(queue: JobQueue | undefined): void {
  holder.__stewardJobQueue = queue ? Promise.resolve(queue) : undefined;
}
