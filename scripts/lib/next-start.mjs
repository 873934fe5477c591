// The one `next start` command line every way of starting the console uses: `npm start`, the e2e server,
// the benchmarks and the process tests. Their console then behaves as production does.

/**
 * Idle keep-alive connections stay open 65 s (Node's default is 5 s). A client or proxy that reuses an
 * idle connection just as the server closes it gets ECONNRESET for a request it never knew failed;
 * keeping connections longer than the usual 60 s idle timeout of proxies and load balancers means they
 * close first.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** Arguments after `node <next bin>`: `start` on `port` and `host` with the console's keep-alive timeout. */
export function nextStartArgs({ port, host }) {
  return ["start", "-p", String(port), "-H", host, "--keepAliveTimeout", String(KEEP_ALIVE_TIMEOUT_MS)];
}
