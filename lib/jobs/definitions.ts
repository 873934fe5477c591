import { getDatabase } from "@/db/client";
import { systemContext } from "../auth/actor";
import { maintainDecisionPartitions } from "../decisions/partition-maintenance";
import { refreshFindings } from "../findings/refresh-findings";
import { noteStandingCredentialUse } from "../identity/standing-credentials";
import { ALERT_EVALUATION_MS, evaluateAlertRules } from "../outbound/alert-evaluator";
import type { JobDefinition } from "./queue";

/**
 * The console's scheduled background work. Each used to be a setInterval in every process; on the
 * job queue each schedule fires once per tick for the whole fleet and each run goes to one worker.
 *
 * Not here, on purpose: outbound delivery (every 500 ms) and approval upkeep (every second) are
 * drains of their own queues — each destination is leased, each delivery and request transition is
 * claimed with SKIP LOCKED or a conditional update — so several processes never do one item twice,
 * and cron's one-minute tick would slow them down. See docs/operations.md.
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
    run: async () => evaluateAlertRules((await getDatabase()).db),
  },
];
