import { StewardError } from "@/lib/errors";
import { readJsonBody } from "@/lib/http/json-body";

/**
 * AuthZEN's HTTPS binding: a JSON body, and for a request error a 400 whose body is an error
 * message string. Authentication failures (401/403) come from withApi like every other route.
 */
export async function readAuthzenBody(request: Request): Promise<unknown> {
  // The shared reader's limits (413 past the size, 400 past the depth); a wrong type is a 400 here.
  return readJsonBody(request, { wrongTypeStatus: 400 });
}

export async function answerAuthzen(run: () => Promise<unknown>): Promise<Response> {
  try {
    return Response.json(await run(), { headers: { "cache-control": "no-store" } });
  } catch (error) {
    if (error instanceof StewardError && error.code === "bad_request") {
      return new Response(error.message, { status: 400, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" } });
    }
    throw error;
  }
}
