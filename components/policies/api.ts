import { queryOptions } from "@tanstack/react-query";
import type { PolicyRequests, PolicyResponses } from "@/lib/policies/api-contract";
import { apiRequest } from "@/components/api/request";

export { ApiError } from "@/components/api/request";

const segment = encodeURIComponent;

/** The policy studio's calls, each typed by lib/policies/api-contract.ts (what the route's lib function returns). */
export const policyApi = {
  draft: () => apiRequest<PolicyResponses["draft"]>("/api/v1/policies"),
  savePolicy: (id: string | undefined, body: PolicyRequests["savePolicy"]) =>
    id ? apiRequest<PolicyResponses["savePolicy"]>(`/api/v1/policies/${segment(id)}`, { method: "PUT", body }) : apiRequest<PolicyResponses["savePolicy"]>("/api/v1/policies", { body }),
  deletePolicy: (id: string) => apiRequest<PolicyResponses["deletePolicy"]>(`/api/v1/policies/${segment(id)}`, { method: "DELETE" }),
  validate: (body: PolicyRequests["validate"]) => apiRequest<PolicyResponses["validate"]>("/api/v1/policies/validate", { body }),
  format: (body: PolicyRequests["format"]) => apiRequest<PolicyResponses["format"]>("/api/v1/policies/format", { body }),
  saveSchema: (body: PolicyRequests["schema"]) => apiRequest<PolicyResponses["schema"]>("/api/v1/policies/schema", { method: "PUT", body }),
  saveEntities: (body: PolicyRequests["entities"]) => apiRequest<PolicyResponses["entities"]>("/api/v1/policies/entities", { method: "PUT", body }),
  saveTest: (body: PolicyRequests["saveTest"]) => apiRequest<PolicyResponses["saveTest"]>("/api/v1/policies/tests", { body }),
  deleteTest: (id: string) => apiRequest<PolicyResponses["deleteTest"]>(`/api/v1/policies/tests/${segment(id)}`, { method: "DELETE" }),
  approve: () => apiRequest<PolicyResponses["approve"]>("/api/v1/policies/approve", { body: {} }),
  publish: (body: PolicyRequests["publish"]) => apiRequest<PolicyResponses["publish"]>("/api/v1/policies/publish", { body }),
  versions: (query: PolicyRequests["versions"] = {}) => apiRequest<PolicyResponses["versions"]>(`/api/v1/policies/versions${query.sort ? `?${new URLSearchParams({ sort: query.sort })}` : ""}`),
  diff: (query: PolicyRequests["diff"]) => apiRequest<PolicyResponses["diff"]>(`/api/v1/policies/versions/diff?${new URLSearchParams(query)}`),
  approveRollback: (revision: number) => apiRequest<PolicyResponses["approveRollback"]>(`/api/v1/policies/versions/${revision}/approve`, { body: {} }),
  rollback: (revision: number) => apiRequest<PolicyResponses["rollback"]>(`/api/v1/policies/versions/${revision}/rollback`, { body: {} }),
  startReplay: (body: PolicyRequests["startReplay"]) => apiRequest<PolicyResponses["startReplay"]>("/api/v1/policies/replays", { body }),
  replay: (id: string) => apiRequest<PolicyResponses["replay"]>(`/api/v1/policies/replays/${segment(id)}`),
  cancelReplay: (id: string) => apiRequest<PolicyResponses["cancelReplay"]>(`/api/v1/policies/replays/${segment(id)}/cancel`, { body: {} }),
  stats: () => apiRequest<PolicyResponses["stats"]>("/api/v1/policies/stats"),
  explain: (body: PolicyRequests["explain"]) => apiRequest<PolicyResponses["explain"]>("/api/v1/policies/explain", { body }),
};

/**
 * Query-key factories: each key is bound to its fetcher and so to one data type (react-query's
 * DataTag), so `useQuery(policyQueries.versions())` and `setQueryData(policyQueries.versions().queryKey, …)`
 * cannot disagree. Invalidate a family by `policyKeys.all` or a key's prefix.
 */
export const policyKeys = { all: ["policies"] as const, versions: ["policies", "versions"] as const };
export const policyQueries = {
  draft: () => queryOptions({ queryKey: [...policyKeys.all, "draft"] as const, queryFn: policyApi.draft }),
  /** Newest first, or in the server order `sort` names (invalidate `policyKeys.versions` to refresh every order). */
  versions: (sort: NonNullable<PolicyRequests["versions"]["sort"]> = "-revision") => queryOptions({ queryKey: [...policyKeys.versions, sort] as const, queryFn: () => policyApi.versions(sort === "-revision" ? {} : { sort }) }),
  stats: () => queryOptions({ queryKey: [...policyKeys.all, "stats"] as const, queryFn: policyApi.stats }),
  diff: (from: string, to: string) => queryOptions({ queryKey: [...policyKeys.all, "diff", from, to] as const, queryFn: () => policyApi.diff({ from, to }) }),
  replay: (id: string) => queryOptions({ queryKey: [...policyKeys.all, "replay", id] as const, queryFn: () => policyApi.replay(id) }),
};
