import { withApi } from "@/app/_server/with-api";
import { subscribeToApprovalChanges } from "@/lib/approvals/events";
import { pendingCountFor } from "@/lib/approvals/inbox";

export const dynamic = "force-dynamic";

const DEBOUNCE_MS = 250;
const HEARTBEAT_MS = 15_000;

// GET /api/v1/approvals/stream — server-sent events: `pending` with the caller's decidable pending count, on every change
export const GET = withApi({ permission: "approvals.read" }, async (request, ctx) => {
  const encoder = new TextEncoder();
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const send = (text: string) => {
    try {
      controller?.enqueue(encoder.encode(text));
    } catch {
      close();
    }
  };
  const push = async () => {
    try {
      send(`event: pending\ndata: ${JSON.stringify({ pending: await pendingCountFor(ctx) })}\n\n`);
    } catch (error) {
      console.error("approvals stream: counting failed", error);
    }
  };
  // Many changes at once (a burst of requests) cost one count, not one each.
  const unsubscribe = await subscribeToApprovalChanges(() => {
    if (timer || closed) return;
    timer = setTimeout(() => {
      timer = undefined;
      void push();
    }, DEBOUNCE_MS);
  });
  const heartbeat = setInterval(() => send(`: keep-alive\n\n`), HEARTBEAT_MS);
  function close() {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    if (timer) clearTimeout(timer);
    unsubscribe();
    try {
      controller?.close();
    } catch {
      // already closed by the client
    }
  }
  request.signal.addEventListener("abort", close);
  const body = new ReadableStream<Uint8Array>({
    start(streamController) {
      controller = streamController;
      send("retry: 2000\n\n");
      void push();
    },
    cancel: close,
  });
  return new Response(body, { headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store, no-transform", connection: "keep-alive", "x-accel-buffering": "no" } });
});
