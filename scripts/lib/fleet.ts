/**
 * A fleet on one machine, for the fleet test and `npm run bench:fleet`: several built consoles
 * (`next start`) on one fresh PostgreSQL database behind a small reverse proxy, as a load balancer
 * in front of console replicas would be.
 */
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { scratchDatabase } from "../../testing/scratch-database";
import { sleep, startServer, stopServer } from "./steward-client";

/** Request header that pins one request to one backend (its index), as a sticky-session cookie would. */
export const PIN_HEADER = "x-fleet-backend";

export type FleetProxy = {
  url: string;
  /** Requests each backend answered (index = backend). */
  answered: number[];
  /** Requests the proxy answered 502 because the backend it picked refused or dropped the connection. */
  badGateway: number;
  close(): Promise<void>;
};

/**
 * A reverse proxy in front of `backends` (ports on 127.0.0.1): round-robin over the backends not
 * marked down, or the backend named by the PIN_HEADER. It streams both ways (server-sent events and
 * long-polls pass through) and keeps the Host header, so Origin checks see the proxy's address. When
 * the picked backend refuses or drops the connection before answering, the proxy answers 502 and
 * marks it down for `downMs` — it does not resend the request itself (a POST is not idempotent;
 * nginx's default `proxy_next_upstream` does not resend one either): the sender retries, and the
 * retry goes to a backend that is up.
 */
export function startFleetProxy(options: { port: number; backends: number[]; downMs?: number }): Promise<FleetProxy> {
  const downUntil = options.backends.map(() => 0);
  const answered = options.backends.map(() => 0);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  let next = 0;
  let badGateway = 0;
  const pick = (pinned: string | undefined): number => {
    if (pinned !== undefined && options.backends[Number(pinned)] !== undefined) return Number(pinned);
    const now = Date.now();
    for (let tries = 0; tries < options.backends.length; tries++) {
      const index = next++ % options.backends.length;
      if (downUntil[index]! <= now) return index;
    }
    return next++ % options.backends.length; // all down: try anyway
  };
  const server = http.createServer((request, response) => {
    const pinned = request.headers[PIN_HEADER];
    const index = pick(Array.isArray(pinned) ? pinned[0] : pinned);
    const headers = { ...request.headers };
    delete headers[PIN_HEADER];
    const upstream = http.request({ host: "127.0.0.1", port: options.backends[index], method: request.method, path: request.url, headers, agent }, (answer) => {
      answered[index]!++;
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
      answer.on("error", () => response.destroy());
    });
    upstream.on("error", () => {
      downUntil[index] = Date.now() + (options.downMs ?? 2_000);
      if (!response.headersSent) {
        badGateway++;
        response.writeHead(502, { "content-type": "text/plain" }).end(`backend ${index} unavailable`);
      } else response.destroy();
    });
    request.pipe(upstream);
    response.on("close", () => {
      if (!response.writableFinished) upstream.destroy();
    });
  });
  return new Promise((resolve) =>
    server.listen(options.port, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${options.port}`,
        answered,
        get badGateway() {
          return badGateway;
        },
        close: () =>
          new Promise<void>((done) => {
            agent.destroy();
            server.closeAllConnections();
            server.close(() => done());
          }),
      }),
    ),
  );
}

export type Fleet = {
  /** The proxy's URL: what users, senders and gateways are given. */
  url: string;
  proxy: FleetProxy;
  /** Each console's own URL (index = backend). */
  consoleUrls: string[];
  databaseUrl: string;
  admin: { email: string; password: string };
  /** The console processes now running. */
  servers(): ChildProcess[];
  /** SIGKILLs console `index`; resolves once it has exited. */
  kill(index: number): Promise<void>;
  /** Starts console `index` again on the same database. */
  restart(index: number): Promise<void>;
};

/** `serverUrl` naming the database that `databaseUrl` names (same server credentials and options). */
export function sameDatabaseOn(serverUrl: string, databaseUrl: string): string {
  const url = new URL(serverUrl);
  url.pathname = new URL(databaseUrl).pathname;
  return url.toString();
}

/**
 * Starts `consoles` built consoles at once (so their migrations race, as a rolling deploy's would) on
 * one fresh database `steward_fleet_<label>_…` on `serverUrl`, with one AUTH_SECRET (a fleet must
 * share it: session cookies, binding tokens and setup codes are keyed by it), each with its own data
 * folder, behind startFleetProxy on `proxyPort`. Consoles listen on proxyPort+1…. `stop()` stops
 * everything and drops the database.
 */
export async function startFleet(options: { serverUrl: string; proxyPort: number; label: string; consoles?: number; env?: Record<string, string> }): Promise<Fleet & { stop(): Promise<void> }> {
  const count = options.consoles ?? 2;
  // Left empty: the consoles race to migrate it.
  const database = await scratchDatabase(`steward_fleet_${options.label}`, { serverUrl: options.serverUrl, migrate: false });
  const credentials = { email: `${options.label}@example.test`, password: `${options.label} password 123` };
  const authSecret = randomBytes(32).toString("hex");
  const ports = Array.from({ length: count }, (_, i) => options.proxyPort + 1 + i);
  const dataDirs = ports.map((port) => mkdtempSync(path.join(os.tmpdir(), `steward-fleet-${port}-`)));
  const env = { ...options.env };
  // A replica of the server holds every database of it: the consoles read the fresh database there, not the one the URL was given with.
  if (env.DATABASE_READ_URL) env.DATABASE_READ_URL = sameDatabaseOn(env.DATABASE_READ_URL, database.url);
  const envOf = (i: number) => ({ DATABASE_URL: database.url, STEWARD_DATA_DIR: dataDirs[i]!, AUTH_SECRET: authSecret, STEWARD_ADMIN_EMAIL: credentials.email, STEWARD_ADMIN_PASSWORD: credentials.password, ...env });
  const servers: (ChildProcess | undefined)[] = ports.map(() => undefined);
  let proxy: FleetProxy | undefined;
  const stop = async () => {
    await proxy?.close();
    await Promise.all(servers.map((server) => server && stopServer(server)));
    await sleep(300);
    await database.drop();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  };
  try {
    const started = await Promise.allSettled(ports.map((port, i) => startServer({ port, env: envOf(i) })));
    started.forEach((result, i) => {
      if (result.status === "fulfilled") servers[i] = result.value;
    });
    const failed = started.find((result) => result.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
    proxy = await startFleetProxy({ port: options.proxyPort, backends: ports });
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url: proxy.url,
    proxy,
    consoleUrls: ports.map((port) => `http://127.0.0.1:${port}`),
    databaseUrl: database.url,
    admin: credentials,
    servers: () => servers.filter((server): server is ChildProcess => server !== undefined),
    kill: async (index) => {
      const server = servers[index];
      if (!server || server.exitCode !== null || server.signalCode !== null) return;
      const exited = new Promise((resolve) => server.once("exit", resolve));
      server.kill("SIGKILL");
      await exited;
    },
    restart: async (index) => {
      servers[index] = await startServer({ port: ports[index]!, env: envOf(index) });
    },
    stop,
  };
}

/** startFleet, `fn`, then stop — whatever `fn` does. */
export async function withFleet<T>(options: Parameters<typeof startFleet>[0], fn: (fleet: Fleet) => Promise<T>): Promise<T> {
  const fleet = await startFleet(options);
  try {
    return await fn(fleet);
  } finally {
    await fleet.stop();
  }
}
