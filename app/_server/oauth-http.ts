import { StewardError } from "@/lib/errors";
import { IdentityError } from "@/lib/identity/identity-error";
import { issuerFor } from "@/lib/identity/task-token";
import { isDatabaseUnavailable } from "./with-api";

/** Form bodies of the OAuth endpoints are small; anything larger is refused before parsing. */
const MAX_FORM_BYTES = 64 * 1024;

const NO_STORE = { "cache-control": "no-store", pragma: "no-cache" };

/** RFC 6749 §5.2 error body; 401 invalid_client carries WWW-Authenticate as §5.2 asks. */
export function oauthError(error: IdentityError): Response {
  const headers: Record<string, string> = { ...NO_STORE };
  if (error.status === 401) headers["www-authenticate"] = `Bearer error="${error.code}"`;
  return Response.json({ error: error.code, error_description: error.message }, { status: error.status, headers });
}

/** The issuer of tokens for this request: AUTH_URL's origin, else the origin the request was sent to. */
export const requestIssuer = (request: Request) => issuerFor(new URL(request.url).origin);

/** Reads an application/x-www-form-urlencoded body (RFC 6749 §3.2), at most MAX_FORM_BYTES. */
export async function readForm(request: Request): Promise<URLSearchParams> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/x-www-form-urlencoded\b/i.test(type)) throw new IdentityError("invalid_request", "Send the parameters as application/x-www-form-urlencoded");
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_FORM_BYTES) throw new IdentityError("invalid_request", `The body is larger than ${MAX_FORM_BYTES / 1024} KiB`);
  const reader = request.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    if (!reader) break;
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_FORM_BYTES) {
      await reader.cancel();
      throw new IdentityError("invalid_request", `The body is larger than ${MAX_FORM_BYTES / 1024} KiB`);
    }
    chunks.push(value);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

/**
 * withApi's error renderer for the OAuth endpoints (`withApi({ permission: "public", errorResponse:
 * oauthErrorResponse }, …)`): RFC 6749 §5.2 bodies, 503 temporarily_unavailable when the database is
 * down or a near-full disk refuses writes, and nothing internal echoed.
 */
export function oauthErrorResponse(error: unknown, _request: Request, requestId: string): Response {
  if (error instanceof IdentityError) return oauthError(error);
  if (error instanceof StewardError && error.code === "invalid_input") return oauthError(new IdentityError("invalid_request", error.message));
  if ((error instanceof StewardError && error.code === "unavailable") || isDatabaseUnavailable(error)) {
    return Response.json({ error: "temporarily_unavailable", error_description: "Steward cannot store anything right now; retry shortly" }, { status: 503, headers: { ...NO_STORE, "retry-after": "5" } });
  }
  console.error(`[${requestId}] token service error`, error);
  return Response.json({ error: "server_error", error_description: `Internal error (request ${requestId})` }, { status: 500, headers: NO_STORE });
}

export const tokenJson = (body: unknown, status = 200) => Response.json(body, { status, headers: NO_STORE });
