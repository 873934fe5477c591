import type { z } from "zod";
import type { WireResult } from "../http/wire";
import type { DecideInput } from "./access-requests";
import type { getInboxItem, listInbox } from "./inbox";
import type { createWebhook, CreateWebhookInput, listApprovalDeliveries, listApprovalWebhooks, sendTestWebhook } from "./notify";

/**
 * The approvals inbox's HTTP contract, for the browser (components/approvals/api.ts): each
 * /api/v1/approvals route's response body is the wire shape of the lib function it returns, its
 * request the input of the zod schema it parses. Types only (`import type` from components).
 */
export type ApprovalResponses = {
  /** GET /api/v1/approvals */
  list: WireResult<typeof listInbox>;
  /** GET /api/v1/approvals/{id}; also what POST …/{id}/approve and …/{id}/deny answer */
  detail: WireResult<typeof getInboxItem>;
  /** GET /api/v1/approvals/webhooks */
  webhooks: { webhooks: WireResult<typeof listApprovalWebhooks> };
  /** POST /api/v1/approvals/webhooks (the signing secret, shown once) */
  createWebhook: WireResult<typeof createWebhook>;
  /** POST /api/v1/approvals/webhooks/{id}/test */
  testWebhook: WireResult<typeof sendTestWebhook>;
  /** DELETE /api/v1/approvals/webhooks/{id} */
  deleteWebhook: { deleted: string };
  /** GET /api/v1/approvals/deliveries */
  deliveries: { deliveries: WireResult<typeof listApprovalDeliveries> };
};

export type ApprovalRequests = {
  decide: z.input<typeof DecideInput>;
  createWebhook: z.input<typeof CreateWebhookInput>;
};
