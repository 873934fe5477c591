/**
 * Test-only: one "console process" for the exactly-once test. Opens the PostgreSQL database named by
 * argv[2], starts the job queue with one schedule (every minute) whose run records this process's
 * pid in `job_queue_test_runs`, prints "ready", and runs until it is sent SIGTERM.
 */
import { openDatabase } from "@/db/client";
import { startJobQueue } from "@/lib/jobs/queue";

async function main(url: string | undefined) {
if (!url) throw new Error("usage: queue-process.ts <database url>");
const handle = await openDatabase({ url });
await handle.sql!`create table if not exists job_queue_test_runs (pid int not null, at timestamptz not null default now())`;
const queue = await startJobQueue({
  handle,
  connectionString: url,
  timings: { pollingIntervalSeconds: 0.5, cronMonitorIntervalSeconds: 1, cronWorkerIntervalSeconds: 1 },
  definitions: [
    {
      name: "test-every-minute",
      description: "records which process ran it",
      cron: "* * * * *",
      retryLimit: 0,
      retryDelaySeconds: 1,
      expireInSeconds: 60,
      run: async () => handle.sql!`insert into job_queue_test_runs (pid) values (${process.pid})`,
    },
  ],
});
console.log("ready");
process.once("SIGTERM", () => {
  void queue
    .stop()
    .then(() => handle.close())
    .finally(() => process.exit(0));
});
}

void main(process.argv[2]);
