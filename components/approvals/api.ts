import { queryOptions } from "@tanstack/react-query";
import type { ApprovalRequests, ApprovalResponses } from "@/lib/approvals/api-contract";
import { apiRequest } from "@/components/api/request";

const segment = encodeURIComponent;

/** The approvals inbox's calls, each typed by lib/approvals/api-contract.ts. `list` takes the query string as the page builds it. */
export const approvalApi = {
  list: (query: string) => apiRequest<ApprovalResponses["list"]>(`/api/v1/approvals?${query}`),
  detail: (id: string) => apiRequest<ApprovalResponses["detail"]>(`/api/v1/approvals/${segment(id)}`),
  decide: (id: string, decision: "approve" | "deny", body: ApprovalRequests["decide"]) => apiRequest<ApprovalResponses["detail"]>(`/api/v1/approvals/${segment(id)}/${decision}`, { body }),
  webhooks: () => apiRequest<ApprovalResponses["webhooks"]>("/api/v1/approvals/webhooks"),
  createWebhook: (body: ApprovalRequests["createWebhook"]) => apiRequest<ApprovalResponses["createWebhook"]>("/api/v1/approvals/webhooks", { body }),
  testWebhook: (id: string) => apiRequest<ApprovalResponses["testWebhook"]>(`/api/v1/approvals/webhooks/${segment(id)}/test`, { method: "POST" }),
  deleteWebhook: (id: string) => apiRequest<ApprovalResponses["deleteWebhook"]>(`/api/v1/approvals/webhooks/${segment(id)}`, { method: "DELETE" }),
  deliveries: () => apiRequest<ApprovalResponses["deliveries"]>("/api/v1/approvals/deliveries"),
};

/** Query-key factories, each key bound to one fetcher and so one data type; `approvalKeys.all` invalidates them all (the live stream does). */
export const approvalKeys = { all: ["approvals"] as const };
export const approvalQueries = {
  list: (query: string) => queryOptions({ queryKey: [...approvalKeys.all, "list", query] as const, queryFn: () => approvalApi.list(query) }),
  detail: (id: string) => queryOptions({ queryKey: [...approvalKeys.all, "detail", id] as const, queryFn: () => approvalApi.detail(id) }),
  webhooks: () => queryOptions({ queryKey: [...approvalKeys.all, "webhooks"] as const, queryFn: approvalApi.webhooks }),
  deliveries: () => queryOptions({ queryKey: [...approvalKeys.all, "deliveries"] as const, queryFn: approvalApi.deliveries }),
};
