/** A request's query string as a plain object (last value wins), for zod query schemas. */
export function searchParamsObject(request: Request): Record<string, string> {
  return Object.fromEntries(new URL(request.url).searchParams.entries());
}
