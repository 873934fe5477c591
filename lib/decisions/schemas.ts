import { z } from "zod";
import { OUTCOMES } from "@/db/enums";

export const Outcome = z.enum(OUTCOMES);

const text = (max: number) => z.string().min(1, "Must not be empty").max(max, `At most ${max} characters`);
const optionalText = (max: number) => z.string().max(max, `At most ${max} characters`).optional();

/** One decision as an enforcement point reports it (POST /api/v1/decisions). */
export const DecisionInput = z.object({
  id: text(200).describe("The decision's id, unique within the enforcement point; a retry with the same id and content is stored once"),
  time: z.iso.datetime({ offset: true, message: "Use an RFC 3339 timestamp, e.g. 2026-01-31T12:00:00Z" }).describe("When the decision was made (RFC 3339)"),
  agent: z
    .object({
      id: text(500).describe("The acting agent as the enforcement point knows it"),
      spiffe_id: optionalText(2048),
      client_id: optionalText(500),
      name: optionalText(200),
      kind: z.enum(["agent", "person"]).optional().describe('"person" when the subject is a person (recorded as person:<id>, never added as an agent); default "agent"'),
    })
    .describe("The acting agent; unknown agents are added to the inventory as discovered"),
  action: z.object({ name: text(500).describe("Tool name, MCP method, or HTTP method and route"), kind: optionalText(100) }),
  resource: z.object({ type: text(200), id: z.string().max(2048, "At most 2048 characters"), properties: z.record(z.string(), z.unknown()).optional() }),
  destination: optionalText(2048).describe("Host or service the action was aimed at"),
  outcome: Outcome,
  reasons: z.array(z.string().max(500)).max(100, "At most 100 reasons").optional().describe("Ids of the policies that determined the outcome"),
  policy_revision: optionalText(200),
  task_id: optionalText(200),
  trace_id: optionalText(200),
  span_id: optionalText(200),
  parent_span_id: optionalText(200),
  delegation: z
    .array(z.union([text(500), z.object({ id: text(500) }).loose()]))
    .max(64, "At most 64 delegation hops")
    .optional()
    .describe("The chain of acting agents, outermost (the one that started the task) first"),
  request: z
    .object({ subject: z.unknown().optional(), action: z.unknown().optional(), resource: z.unknown().optional(), context: z.unknown().optional() })
    .loose()
    .optional()
    .describe("The AuthZEN-shaped request that was evaluated, kept for replay against other policies"),
  latency_ms: z.number().nonnegative("Must not be negative").max(3_600_000).optional(),
  context: z.unknown().optional().describe("Free JSON, at most 64 KiB"),
});
export type DecisionInput = z.infer<typeof DecisionInput>;

export const IngestBody = z.union([z.array(DecisionInput), z.object({ decisions: z.array(DecisionInput) })]).describe("A JSON array of decisions, or {\"decisions\": [...]}; also NDJSON (application/x-ndjson), optionally gzip-encoded");

export const QuarantinedItem = z.object({ index: z.number().int(), path: z.string(), message: z.string() });
export type QuarantinedItem = z.infer<typeof QuarantinedItem>;

export const IngestResult = z.object({
  accepted: z.number().int().describe("Decisions newly recorded (committed before this response)"),
  duplicates: z.number().int().describe("Exact retries of decisions already recorded; stored once"),
  quarantined: z.array(QuarantinedItem).describe("Items kept aside with the reason: invalid, or an id re-used with other content"),
});
export type IngestResult = z.infer<typeof IngestResult>;

/** What the live feed and the explorer show for one decision. */
export type DecisionSummary = {
  enforcementPointId: string;
  decisionId: string;
  time: string;
  receivedAt: string;
  agentId: string;
  agentRef: string;
  /** The inventory agent's name, added by the feed (lib/decisions/feed.ts) and the explorer; null when it has none (a person, a deleted agent). */
  agentName?: string | null;
  actionName: string;
  actionKind: string | null;
  resourceType: string;
  resourceId: string;
  outcome: (typeof OUTCOMES)[number];
  reasons: string[];
  traceId: string | null;
  taskId: string | null;
  spanId: string | null;
  parentSpanId: string | null;
};

export const OUTCOME_VALUES = OUTCOMES;
