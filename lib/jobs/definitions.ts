import { getDatabase } from "@/db/client";
import { systemContext } from "../auth/actor";
import { maintainDecisionPartitions } from "../decisions/partition-maintenance";
import { refreshFindings } from "../findings/refresh-findings";
import { noteStandingCredentialUse } from "../identity/standing-credentials";
import { ALERT_EVALUATION_MS, evaluateAlertRules } from "../outbound/alert-evaluator";
import { drainJobDefinitions } from "./drains";
import type { JobDefinition } from "./queue";
import { wakeJob } from "./wake";

/**
 * The console's background work. Each used to be a setInterval in every process; on the job queue
 * each schedule fires once per tick for the whole fleet and each run goes to one worker. The drains
 * (outbound delivery, approval upkeep: lib/jobs/drains.ts) run again at once while busy, are woken
 * by the commits that create their work, and repeat every 0.5 s when idle. See docs/operations.md.
 */
const FINDINGS_EVERY_MS = 10 * 60_000;

export const JOB_DEFINITIONS: readonly JobDefinition[] = [
  {
    name: "findings-refresh",
    description: "Rolls up new decisions (activity and evidence rollups) and recomputes every agent's findings and risk",
    cron: "*/10 * * * *",
    retryLimit: 3,
    retryDelaySeconds: 60,
    expireInSeconds: 15 * 60,
    runAtStart: true,
    run: async () => {
      await refreshFindings({ ctx: systemContext("scheduled findings refresh") });
      // Standing credentials seen in use since the last run (a minute of overlap, so nothing falls between runs).
      await noteStandingCredentialUse((await getDatabase()).db, new Date(Date.now() - FINDINGS_EVERY_MS - 60_000));
    },
  },
  {
    name: "decision-partitions",
    description: "Creates the next week's daily decision partitions and drops those wholly past retention",
    cron: "7 * * * *",
    retryLimit: 5,
    retryDelaySeconds: 60,
    expireInSeconds: 15 * 60,
    runAtStart: true,
    run: () => maintainDecisionPartitions(),
  },
  {
    name: "alert-evaluation",
    description: "Evaluates every enabled alert rule over what has settled and opens alerts",
    cron: "* * * * *",
    retryLimit: 2,
    retryDelaySeconds: 10,
    expireInSeconds: 5 * 60,
    runAtStart: true,
    repeatEverySeconds: ALERT_EVALUATION_MS / 1000,
    run: async () => {
      const result = await evaluateAlertRules((await getDatabase()).db);
      // An opened or updated alert is an event for the alert stream's destinations.
      if (result.opened + result.updated > 0) wakeJob("outbound-delivery", { unlessQuiet: true });
      return result;
    },
  },
  ...drainJobDefinitions(),
];
