import http from "node:http";
import https from "node:https";
import net from "node:net";
import tls from "node:tls";
import { guardedLookup, type NetworkPolicy } from "./network-guard";

/** What one delivery attempt came to; `retryable` follows the outbound contract in docs/outbound.md. */
export type SendResult = { ok: boolean; status: number | null; retryable: boolean; retryAfterMs: number | null; latencyMs: number; excerpt: string };

export const SEND_TIMEOUT_MS = 10_000;
const EXCERPT_BYTES = 512;

/**
 * POSTs one body. Redirects are not followed (a receiver cannot bounce Steward to another host);
 * 2xx is delivered; 408, 429, 5xx, timeouts and connection errors are retried; any other status is
 * a refusal that retrying cannot fix.
 */
export function postBody(url: URL, headers: Record<string, string>, body: string | Buffer, policy: NetworkPolicy, timeoutMs = SEND_TIMEOUT_MS): Promise<SendResult> {
  const started = performance.now();
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve) => {
    const finish = (result: Omit<SendResult, "latencyMs">) => resolve({ ...result, latencyMs: Math.round(performance.now() - started) });
    const request = client.request(
      url,
      { method: "POST", headers: { "content-length": String(Buffer.byteLength(body)), "user-agent": "Steward-Outbound/1", ...headers }, lookup: guardedLookup(policy) as never, timeout: timeoutMs },
      (response) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        response.on("data", (chunk: Buffer) => {
          if (kept < EXCERPT_BYTES) {
            chunks.push(chunk.subarray(0, EXCERPT_BYTES - kept));
            kept += Math.min(chunk.length, EXCERPT_BYTES - kept);
          }
        });
        response.on("end", () => {
          const status = response.statusCode ?? 0;
          const excerpt = Buffer.concat(chunks).toString("utf8");
          const ok = status >= 200 && status < 300;
          const retryable = !ok && (status === 408 || status === 429 || status >= 500);
          finish({ ok, status, retryable, retryAfterMs: parseRetryAfter(response.headers["retry-after"]), excerpt });
        });
        response.on("error", (error) => finish({ ok: false, status: response.statusCode ?? null, retryable: true, retryAfterMs: null, excerpt: error.message }));
      },
    );
    request.on("timeout", () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on("error", (error: NodeJS.ErrnoException) => finish({ ok: false, status: null, retryable: error.code !== "EREFUSEDADDRESS", retryAfterMs: null, excerpt: error.message }));
    request.end(body);
  });
}

/** Retry-After as delay-seconds or an HTTP date (RFC 9110 §10.2.3), capped at one hour. */
export function parseRetryAfter(value: string | string[] | undefined): number | null {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return null;
  const seconds = /^\d+$/.test(text.trim()) ? Number(text.trim()) * 1000 : Date.parse(text) - Date.now();
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds, 3_600_000) : null;
}

export type SyslogTarget = { host: string; port: number; tls: boolean; caPem?: string; serverName?: string };

/**
 * Sends syslog messages over TCP or TLS with octet-counting framing (RFC 6587 §3.4.1, as RFC 5425
 * requires for TLS), one connection per batch, and waits for the connection to close cleanly after
 * the last byte: syslog has no acknowledgement, so "written and flushed without error" is delivered.
 */
export function sendSyslog(target: SyslogTarget, messages: string[], policy: NetworkPolicy, timeoutMs = SEND_TIMEOUT_MS): Promise<SendResult> {
  const started = performance.now();
  // One encode for the whole batch: each frame's length is counted in UTF-8 bytes without copying it.
  const framed = Buffer.from(messages.map((message) => `${Buffer.byteLength(message, "utf8")} ${message}`).join(""), "utf8");
  return new Promise((resolve) => {
    let settled = false;
    const finish = (ok: boolean, excerpt: string) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve({ ok, status: null, retryable: !ok, retryAfterMs: null, latencyMs: Math.round(performance.now() - started), excerpt });
    };
    const lookup = guardedLookup(policy) as never;
    const socket: net.Socket = target.tls
      ? tls.connect({ host: target.host, port: target.port, lookup, ca: target.caPem ? [target.caPem] : undefined, servername: target.serverName ?? (net.isIP(target.host) ? undefined : target.host) })
      : net.connect({ host: target.host, port: target.port, lookup });
    socket.setTimeout(timeoutMs, () => finish(false, `no progress within ${timeoutMs} ms`));
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EREFUSEDADDRESS") {
        settled = true;
        socket.destroy();
        resolve({ ok: false, status: null, retryable: false, retryAfterMs: null, latencyMs: Math.round(performance.now() - started), excerpt: error.message });
      } else finish(false, error.message);
    });
    socket.on(target.tls ? "secureConnect" : "connect", () => {
      socket.end(framed, () => finish(true, `${messages.length} message(s), ${framed.length} bytes written`));
    });
  });
}
