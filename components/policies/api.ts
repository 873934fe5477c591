/** Browser-side calls to Steward's own API (the session cookie authenticates them). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly details: unknown,
  ) {
    super(message);
  }
}

export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const response = await fetch(path, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: init.body === undefined ? {} : { "content-type": "application/json" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(body?.error?.message ?? `Request failed (${response.status})`, response.status, body?.error?.details);
  return body as T;
}

export const policyKeys = {
  draft: ["policies", "draft"] as const,
  versions: ["policies", "versions"] as const,
  stats: ["policies", "stats"] as const,
  replay: (id: string) => ["policies", "replay", id] as const,
};
