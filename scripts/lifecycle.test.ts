/**
 * The process lifecycle against the built console (`npx next build` first), each on its own port
 * in 3310–3329: two processes on one PGlite folder, a graceful stop with a live stream open, start-up
 * with the database unreachable / missing / unopenable, and a PGlite data folder running out of disk
 * (a real 80 MiB tmpfs; needs root to mount, skipped otherwise). STEWARD_LIFECYCLE_TEST=1 to run
 * (scripts/test.sh does, after the build); DATABASE_URL names the PostgreSQL server for the
 * PostgreSQL cases.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { sampleDecision } from "@/lib/decisions/ingest-testing";
import { scratchDatabase, type ScratchDatabase } from "../testing/scratch-database";
import { postDecisions, sleep, StewardClient } from "./lib/steward-client";
import { nextStartArgs } from "./lib/next-start.mjs";

const root = path.resolve(__dirname, "..");
const serverUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const scratch = mkdtempSync(path.join(os.tmpdir(), "steward-lifecycle-"));
const started: ChildProcess[] = [];
const scratchDatabases: ScratchDatabase[] = [];
/** Databases a test created itself (one that appears only after the console started). */
const databases: string[] = [];
afterAll(async () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  await sleep(300);
  for (const database of scratchDatabases) await database.drop();
  if (databases.length) {
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    for (const name of databases) await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
  rmSync(scratch, { recursive: true, force: true });
});

type Server = { child: ChildProcess; port: number; base: string; log: () => string; exited: Promise<{ code: number | null; signal: string | null; at: number }> };

/** Starts `next start` as a process manager would; resolves once it answers /api/health (not necessarily ready). */
async function launch(port: number, env: Record<string, string | undefined>): Promise<Server> {
  const child = spawn(process.execPath, ["node_modules/next/dist/bin/next", ...nextStartArgs({ port, host: "127.0.0.1" })], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", DATABASE_URL: undefined, STEWARD_TEST_DB: undefined, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  started.push(child);
  let log = "";
  child.stdout!.on("data", (chunk: Buffer) => (log += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: string | null; at: number }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal, at: Date.now() })));
  const server = { child, port, base: `http://127.0.0.1:${port}`, log: () => log, exited };
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return server;
    try {
      if ((await fetch(`${server.base}/api/health`)).ok) return server;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`next start on ${port} did not answer within 120 s:\n${log}`);
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

const readyBody = async (server: Server) => {
  const response = await fetch(`${server.base}/api/ready`);
  return { status: response.status, retryAfter: response.headers.get("retry-after"), body: (await response.json()) as Record<string, unknown> };
};
const waitReady = (server: Server, timeoutMs = 120_000) => until(`ready on ${server.port}`, async () => ((await readyBody(server)).status === 200 ? true : undefined), timeoutMs);

function admin() {
  return { email: `ops-${randomBytes(3).toString("hex")}@example.test`, password: "lifecycle password 123" };
}
function consoleEnv(dataDir: string, credentials: { email: string; password: string }): Record<string, string> {
  return { STEWARD_DATA_DIR: dataDir, AUTH_SECRET: randomBytes(32).toString("hex"), STEWARD_ADMIN_EMAIL: credentials.email, STEWARD_ADMIN_PASSWORD: credentials.password };
}

/** Opens the live feed as a signed-in browser would; collects event names until the server ends it. */
async function openFeed(base: string, headers: Record<string, string>) {
  const response = await fetch(`${base}/api/v1/decisions/stream`, { headers: { ...headers, accept: "text/event-stream" } });
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const finished = (async () => {
    for (;;) {
      const chunk = await reader.read().catch(() => ({ done: true as const, value: undefined }));
      if (chunk.done) return text;
      text += decoder.decode(chunk.value, { stream: true });
    }
  })();
  await until("the stream's ready event", async () => (text.includes("event: ready") ? true : undefined), 10_000);
  return { finished, text: () => text };
}

/**
 * An ingest POST whose body arrives in two parts: the first now, the rest (over 1.5 s) when `finish`
 * is called — a request in flight at the moment of a stop.
 */
function slowUpload(port: number, token: string, body: string) {
  const bytes = Buffer.from(body);
  const cut = Math.floor(bytes.length / 2);
  const request = http.request({ host: "127.0.0.1", port, path: "/api/v1/decisions", method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "content-length": String(bytes.length) } });
  const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
    request.on("response", (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, text }));
    });
    request.on("error", reject);
  });
  request.write(bytes.subarray(0, cut));
  return {
    finish: async () => {
      await sleep(1_500);
      request.end(bytes.subarray(cut));
      return answered;
    },
  };
}

const gated = !process.env.STEWARD_LIFECYCLE_TEST;

describe.skipIf(gated)("one PGlite folder, one process; a graceful stop", () => {
  it("refuses a second console on the folder naming it and the holder, leaves the first serving, and stops the first within the deadline with a stream open", async () => {
    expect(existsSync(path.join(root, ".next", "BUILD_ID")), "run `npx next build` first").toBe(true);
    const dataDir = path.join(scratch, "shared");
    const credentials = admin();
    const env = consoleEnv(dataDir, credentials);
    const first = await launch(3310, env);
    await waitReady(first);
    const client = await StewardClient.connect(first.base, credentials);
    const { token } = await client.enforcementPointToken({ name: "lifecycle", kind: "sidecar" });
    const kept = sampleDecision({ id: randomUUID() });
    expect((await postDecisions(first.base, token, [kept])).status).toBe(200);

    // The second console on the same folder refuses to run, naming the folder and the first's PID.
    const folder = realpathSync(path.join(dataDir, "pglite"));
    const second = await launch(3311, env);
    const refusal = await Promise.race([second.exited, sleep(90_000).then(() => undefined)]);
    expect(refusal, second.log()).toMatchObject({ code: 1 });
    expect(second.log()).toContain("refusing to start");
    expect(second.log()).toContain(folder);
    expect(second.log()).toContain(`process ${first.child.pid}`);

    // `npm start` refuses before it starts anything.
    const viaNpmStart = spawnSync(process.execPath, ["scripts/start.mjs"], { cwd: root, env: { ...process.env, ...env, DATABASE_URL: "", PORT: "3312" }, encoding: "utf8", timeout: 30_000 });
    expect(viaNpmStart.status).toBe(1);
    expect(viaNpmStart.stderr).toContain(folder);
    expect(viaNpmStart.stderr).toContain(`process ${first.child.pid}`);

    // The first is unharmed: it still writes and reads.
    const after = sampleDecision({ id: randomUUID() });
    expect((await postDecisions(first.base, token, [after])).status).toBe(200);
    expect((await readyBody(first)).status).toBe(200);

    // SIGTERM with a live-feed stream open: the stream is ended (with a reason), the process exits, cleanly, within the deadline.
    const feed = await openFeed(first.base, client.headers());
    // And an ingest request in flight: its body is still arriving when the signal comes.
    const inFlight = sampleDecision({ id: randomUUID() });
    const upload = slowUpload(first.port, token, JSON.stringify([inFlight]));
    await sleep(300);
    const signalledAt = Date.now();
    first.child.kill("SIGTERM");
    // The request that had started is finished and acknowledged, not cut off by the stop.
    expect(await upload.finish()).toMatchObject({ status: 200 });
    const exit = await Promise.race([first.exited, sleep(20_000).then(() => undefined)]);
    expect(exit, `still running 20 s after SIGTERM:\n${first.log()}`).toBeDefined();
    expect(exit!.at - signalledAt).toBeLessThan(10_000 + 2_000);
    expect(exit!.code, first.log()).toBe(0);
    const streamed = await feed.finished;
    expect(streamed).toMatch(/event: end\ndata: \{"reason":"shutdown"\}/);
    expect(first.log()).toMatch(/ended 1 live-feed stream/);

    // The folder is free and intact: the next console opens it and has both decisions.
    const next = await launch(3313, env);
    await waitReady(next);
    const reader = await StewardClient.connect(next.base, credentials);
    for (const decision of [kept, after, inFlight]) {
      const found = await reader.json<{ decisions: { decisionId: string }[] }>("GET", `/api/v1/decisions?q=${decision.id as string}`);
      expect(found.body.decisions.map((d) => d.decisionId)).toEqual([decision.id]);
    }
    next.child.kill("SIGTERM");
    expect((await next.exited).code).toBe(0);
  }, 600_000);
});

/** A TCP relay on `port` to the PostgreSQL server, started when the test says the database is "up". */
function relay(port: number, to: URL) {
  const server = net.createServer((socket) => {
    const upstream = net.connect(Number(to.port || 5432), to.hostname);
    socket.pipe(upstream).pipe(socket);
    socket.on("error", () => upstream.destroy());
    upstream.on("error", () => socket.destroy());
  });
  return {
    start: () => new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve)),
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** An empty database the console will migrate; `url(port)` reaches it through another port (a relay). */
async function createDatabase(): Promise<{ name: string; url: (port?: number) => string }> {
  const database = await scratchDatabase("steward_lifecycle", { serverUrl, migrate: false });
  scratchDatabases.push(database);
  return {
    name: database.name,
    url: (port) => {
      const url = new URL(database.url);
      if (port) url.port = String(port);
      return url.toString();
    },
  };
}

/** While start-up cannot open the database: readiness and ingest answer 503 with Retry-After and name it. */
async function expectUnavailable(server: Server, mentions: string[]) {
  const ready = await readyBody(server);
  expect(ready.status).toBe(503);
  expect(ready.retryAfter).toMatch(/^\d+$/);
  for (const text of mentions) expect(JSON.stringify(ready.body)).toContain(text);
  const ingest = await fetch(`${server.base}/api/v1/decisions`, { method: "POST", headers: { authorization: "Bearer stw_ep_whatever", "content-type": "application/json" }, body: "[]" });
  expect(ingest.status).toBe(503);
  expect(ingest.headers.get("retry-after")).toMatch(/^\d+$/);
  expect(((await ingest.json()) as { error: { code: string } }).error.code).toBe("unavailable");
  expect((await fetch(`${server.base}/api/health`)).status).toBe(200);
}

describe.skipIf(gated)("a database failure at start is not permanent", () => {
  it("PostgreSQL not up yet: 503 naming host and cause, then recovery without a restart", async () => {
    const database = await createDatabase();
    const proxy = relay(3320, new URL(serverUrl));
    const server = await launch(3321, { ...consoleEnv(path.join(scratch, "pg-down"), admin()), DATABASE_URL: database.url(3320) });
    await until("the first failed attempt", async () => (/start-up failed/.test(server.log()) ? true : undefined));
    await expectUnavailable(server, ["127.0.0.1:3320", database.name, "ECONNREFUSED"]);
    expect(server.log()).toContain("127.0.0.1:3320");

    await proxy.start();
    try {
      await waitReady(server, 60_000);
      expect(server.child.exitCode).toBeNull();
      expect(server.log()).toMatch(/reachable again/);
    } finally {
      server.child.kill("SIGTERM");
      await server.exited;
      await proxy.stop();
    }
  }, 300_000);

  it("the database does not exist yet: 503 saying so, then recovery once it is created", async () => {
    const name = `steward_lifecycle_${randomBytes(4).toString("hex")}`;
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    const server = await launch(3322, { ...consoleEnv(path.join(scratch, "pg-missing"), admin()), DATABASE_URL: url.toString() });
    await until("the first failed attempt", async () => (/start-up failed/.test(server.log()) ? true : undefined));
    await expectUnavailable(server, [name, "does not exist"]);
    const adminSql = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await adminSql.unsafe(`create database ${name}`);
    await adminSql.end();
    databases.push(name);
    try {
      await waitReady(server, 60_000);
    } finally {
      server.child.kill("SIGTERM");
      await server.exited;
    }
  }, 300_000);

  it("the PGlite folder cannot be opened: 503 naming the folder, then recovery once it can", async () => {
    const dataDir = path.join(scratch, "pglite-blocked");
    mkdirSync(dataDir, { recursive: true });
    const folder = path.join(dataDir, "pglite");
    writeFileSync(folder, "not a folder");
    const server = await launch(3323, consoleEnv(dataDir, admin()));
    await until("the first failed attempt", async () => (/start-up failed/.test(server.log()) ? true : undefined));
    await expectUnavailable(server, [folder]);
    rmSync(folder);
    try {
      await waitReady(server, 120_000);
    } finally {
      server.child.kill("SIGTERM");
      await server.exited;
    }
  }, 300_000);
});

/** Mounting a small tmpfs needs root (or CAP_SYS_ADMIN); elsewhere this is the manual check in docs/operations.md. */
function mountTmpfs(dir: string, size: string): boolean {
  mkdirSync(dir, { recursive: true });
  return spawnSync("mount", ["-t", "tmpfs", "-o", `size=${size}`, "tmpfs", dir]).status === 0;
}

describe.skipIf(gated)("a PGlite data folder running out of disk", () => {
  it("refuses writes with 503 + Retry-After and says why on /api/ready, keeps answering, and accepts writes again when space returns", async () => {
    const dataDir = path.join(scratch, "tmpfs");
    if (!mountTmpfs(dataDir, "160m")) {
      console.warn("skipped: cannot mount a tmpfs here (needs root); see the manual check in docs/operations.md");
      return;
    }
    try {
      const credentials = admin();
      const server = await launch(3324, { ...consoleEnv(dataDir, credentials), STEWARD_PGLITE_MIN_FREE_MB: "32" });
      await waitReady(server);
      const client = await StewardClient.connect(server.base, credentials);
      const { token } = await client.enforcementPointToken({ name: "disk", kind: "sidecar" });
      const acknowledged: string[] = [];
      const batch = () => Array.from({ length: 50 }, () => sampleDecision({ id: randomUUID(), context: { padding: "x".repeat(1500) } }));

      // Fill the file system to just below the minimum, leaving the database's own growth to cross it.
      const free = () => {
        const stats = statfsSync(dataDir);
        return Number(stats.bavail) * Number(stats.bsize);
      };
      const filler = path.join(dataDir, "filler");
      writeFileSync(filler, Buffer.alloc(Math.max(0, free() - 40 * 1024 * 1024)));

      // Keep ingesting: every answer comes back (no hang), 2xx until the threshold, then 503 with Retry-After.
      let refused: Response | undefined;
      for (let attempt = 0; attempt < 400 && !refused; attempt++) {
        const decisions = batch();
        const response = await fetch(`${server.base}/api/v1/decisions`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify(decisions),
          signal: AbortSignal.timeout(30_000),
        });
        if (response.status === 200) acknowledged.push(...decisions.map((d) => d.id as string));
        else if (response.status === 503) refused = response;
        else throw new Error(`unexpected ${response.status}: ${await response.text()}`);
      }
      expect(refused, "never refused").toBeDefined();
      expect(refused!.headers.get("retry-after")).toMatch(/^\d+$/);
      expect(((await refused!.json()) as { error: { message: string } }).error.message).toContain("MiB free");
      const ready = await readyBody(server);
      expect(ready.status).toBe(503);
      expect(ready.body.status).toBe("low disk space");
      expect(String(ready.body.reason)).toContain(realpathSync(dataDir));
      expect((await fetch(`${server.base}/api/health`, { signal: AbortSignal.timeout(5_000) })).status).toBe(200);
      expect(server.log()).toMatch(/below the 32 MiB minimum/);
      // Reads still work while writes are refused.
      expect((await client.json("GET", "/api/v1/decisions?limit=1")).status).toBe(200);

      // Space returns: writes are accepted again without a restart.
      rmSync(filler);
      await waitReady(server, 30_000);
      const more = batch();
      expect((await postDecisions(server.base, token, more)).status).toBe(200);
      acknowledged.push(...more.map((d) => d.id as string));

      // Nothing acknowledged was lost, across a graceful restart.
      server.child.kill("SIGTERM");
      expect((await server.exited).code).toBe(0);
      const again = await launch(3325, { ...consoleEnv(dataDir, credentials), STEWARD_PGLITE_MIN_FREE_MB: "32" });
      await waitReady(again);
      const reader = await StewardClient.connect(again.base, credentials);
      for (const id of [acknowledged[0]!, acknowledged.at(-1)!]) {
        const found = await reader.json<{ decisions: unknown[] }>("GET", `/api/v1/decisions?q=${id}`);
        expect(found.body.decisions).toHaveLength(1);
      }
      again.child.kill("SIGTERM");
      await again.exited;
    } finally {
      spawnSync("umount", ["-l", dataDir]);
    }
  }, 600_000);
});

describe.skipIf(gated)("the live feed follows the session", () => {
  it("ends a stream when its token is revoked or its user deactivated, and caps streams per user", async () => {
    const credentials = admin();
    const server = await launch(3314, { ...consoleEnv(path.join(scratch, "feed-session"), credentials), STEWARD_FEED_MAX_STREAMS_PER_USER: "2" });
    try {
      await waitReady(server);
      const adminClient = await StewardClient.connect(server.base, credentials);
      // Cookie-authenticated changes carry this console's Origin, as a browser's would.
      const change = (client: StewardClient, method: string, route: string, body?: unknown) =>
        fetch(`${server.base}${route}`, { method, headers: client.headers({ origin: server.base, "content-type": "application/json" }), body: body === undefined ? undefined : JSON.stringify(body) });

      const viewer = { email: `viewer-${randomBytes(3).toString("hex")}@example.test`, password: "viewer password 123" };
      const created = await change(adminClient, "POST", "/api/v1/users", { ...viewer, name: "Feed Viewer", role: "viewer" });
      expect(created.status, await created.clone().text()).toBe(201);
      const viewerId = ((await created.json()) as { user: { id: string } }).user.id;
      const viewerSession = await StewardClient.connect(server.base, viewer);
      const minted = await change(viewerSession, "POST", "/api/v1/tokens", { name: "feed", expiresInDays: 1 });
      expect(minted.status).toBe(201);
      const { token, secret } = (await minted.json()) as { token: { id: string }; secret: string };

      const bySession = await openFeed(server.base, viewerSession.headers());
      const byToken = await openFeed(server.base, { authorization: `Bearer ${secret}` });

      // Revoking the token ends the token's stream at the next heartbeat (10 s); the session's stream lives on.
      const revokedAt = Date.now();
      expect((await change(viewerSession, "DELETE", `/api/v1/tokens/${token.id}`)).status).toBe(200);
      const tokenText = await Promise.race([byToken.finished, sleep(15_000).then(() => "still open")]);
      expect(tokenText).toMatch(/event: end\ndata: \{"reason":"unauthorized"\}/);
      expect(Date.now() - revokedAt).toBeLessThan(12_000);
      expect(bySession.text()).not.toContain("event: end");

      // Deactivating the user ends the session's stream too.
      const deactivatedAt = Date.now();
      expect((await change(adminClient, "PATCH", `/api/v1/users/${viewerId}`, { active: false })).status).toBe(200);
      const sessionText = await Promise.race([bySession.finished, sleep(15_000).then(() => "still open")]);
      expect(sessionText).toMatch(/event: end\ndata: \{"reason":"unauthorized"\}/);
      expect(Date.now() - deactivatedAt).toBeLessThan(12_000);

      // Two streams per user here; the third is refused until one closes.
      const controllers = [new AbortController(), new AbortController()];
      for (const controller of controllers) {
        const response = await fetch(`${server.base}/api/v1/decisions/stream`, { headers: adminClient.headers(), signal: controller.signal });
        expect(response.status).toBe(200);
      }
      expect((await fetch(`${server.base}/api/v1/decisions/stream`, { headers: adminClient.headers() })).status).toBe(429);
      controllers[0]!.abort();
      await until("a freed stream slot", async () => {
        const response = await fetch(`${server.base}/api/v1/decisions/stream`, { headers: adminClient.headers() });
        void response.body?.cancel();
        return response.status === 200 ? true : undefined;
      }, 10_000);
      controllers[1]!.abort();
    } finally {
      server.child.kill("SIGTERM");
      await server.exited;
    }
  }, 300_000);
});

/** A non-loopback address of this machine, if it has one. */
function externalAddress(): string | undefined {
  for (const addresses of Object.values(os.networkInterfaces())) {
    for (const address of addresses ?? []) if (address.family === "IPv4" && !address.internal) return address.address;
  }
  return undefined;
}

const answers = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, host);
    socket.setTimeout(2_000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });

/** Sends one keep-alive request, then reports whether the server still holds the connection open after `idleMs` of silence. */
async function idleConnectionOpenAfter(port: number, idleMs: number): Promise<boolean> {
  const socket = net.connect(port, "127.0.0.1");
  let closed = false;
  for (const event of ["end", "close", "error"]) socket.once(event, () => (closed = true));
  let received = "";
  const answered = new Promise<void>((resolve) =>
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString();
      if (received.includes("\r\n\r\n")) resolve();
    }),
  );
  socket.write("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n");
  await answered;
  await sleep(idleMs);
  socket.destroy();
  return !closed;
}

describe.skipIf(gated)("npm start", () => {
  it("listens on loopback unless HOST says otherwise, and a SIGTERM to it stops the server it started", async () => {
    const external = externalAddress();
    const dataDir = path.join(scratch, "npm-start");
    const child = spawn(process.execPath, ["scripts/start.mjs"], {
      cwd: root,
      // No bootstrap admin: a first run, which prints the setup code.
      env: { ...process.env, STEWARD_DATA_DIR: dataDir, AUTH_SECRET: randomBytes(32).toString("hex"), STEWARD_ADMIN_EMAIL: "", STEWARD_ADMIN_PASSWORD: "", STEWARD_SETUP_CODE: "", NODE_ENV: "production", PORT: "3316", HOST: "", DATABASE_URL: "", STEWARD_TEST_DB: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    started.push(child);
    let log = "";
    child.stdout!.on("data", (chunk: Buffer) => (log += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (log += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    await until("npm start to answer", async () => ((await fetch("http://127.0.0.1:3316/api/health")).ok ? true : undefined), 600_000);
    if (external) expect(await answers(external, 3316)).toBe(false);
    // An idle kept-alive connection outlives Node's default (5 s, closed about 6 s in), so a client reusing it is not reset.
    expect(await idleConnectionOpenAfter(3316, 12_000)).toBe(true);
    await until("the setup code in the log", async () => (/one-time setup code: [0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}/.test(log) ? true : undefined), 120_000).catch((error: Error) => {
      throw new Error(`${error.message}:\n${log}`);
    });

    const signalledAt = Date.now();
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(12_000);
    // The server it started is gone too: nothing answers on the port, and the folder is free.
    expect(await answers("127.0.0.1", 3316)).toBe(false);

    if (!external) return;
    const everywhere = spawn(process.execPath, ["scripts/start.mjs"], {
      cwd: root,
      env: { ...process.env, ...consoleEnv(dataDir, admin()), NODE_ENV: "production", PORT: "3317", HOST: "0.0.0.0", DATABASE_URL: "", STEWARD_TEST_DB: "" },
      stdio: "ignore",
    });
    started.push(everywhere);
    const gone = new Promise((resolve) => everywhere.once("exit", resolve));
    await until("HOST=0.0.0.0 to answer on the external address", async () => ((await answers(external, 3317)) ? true : undefined), 120_000);
    // Killed outright, npm start cannot pass a signal on; the server notices it is orphaned and stops itself.
    everywhere.kill("SIGKILL");
    await gone;
    await until("the orphaned server to stop", async () => ((await answers("127.0.0.1", 3317)) ? undefined : true), 20_000);
  }, 900_000);
});
