import { StewardError } from "@/lib/errors";

/**
 * AuthZEN's HTTPS binding: a JSON body, and for a request error a 400 whose body is an error
 * message string. Authentication failures (401/403) come from withApi like every other route.
 */
export async function readAuthzenBody(request: Request): Promise<unknown> {
  const contentType = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(contentType)) throw new StewardError("bad_request", `Send Content-Type: application/json (got "${contentType || "none"}")`);
  try {
    return await request.json();
  } catch (error) {
    throw new StewardError("bad_request", `The body is not valid JSON: ${(error as Error).message}`);
  }
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
