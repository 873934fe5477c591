/** Milliseconds an idle keep-alive connection stays open (longer than proxies' and load balancers' usual 60 s). */
export const KEEP_ALIVE_TIMEOUT_MS: number;
/** Arguments after `node <next bin>`: `start` on `port` and `host` with the console's keep-alive timeout. */
export function nextStartArgs(options: { port: number | string; host: string }): string[];
