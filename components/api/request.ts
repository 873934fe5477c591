/**
 * Browser-side calls to Steward's own API (the session cookie authenticates them; same origin, so
 * the Origin check passes). Not called by components directly: each area's api.ts binds a path to the
 * response type its lib contract derives from the server (e.g. PolicyResponses), and its query-key
 * factory binds a cache key to that type once.
 */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly details: unknown,
  ) {
    super(message);
  }
}

export type ApiInit = { method?: "GET" | "POST" | "PUT" | "DELETE"; body?: unknown };

/**
 * Sends the request; a non-2xx answer throws ApiError with Steward's `error.message` (or the status).
 * `Response` is the wire type the caller's contract names for this route: the one place a JSON body
 * meets its type, kept here so no component states a response type of its own.
 */
export async function apiRequest<Response>(path: string, init: ApiInit = {}): Promise<Response> {
  const response = await fetch(path, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: init.body === undefined ? {} : { "content-type": "application/json" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const error = (body as { error?: { message?: string; details?: unknown } } | null)?.error;
    throw new ApiError(error?.message ?? `Request failed (${response.status})`, response.status, error?.details);
  }
  return body as Response;
}
