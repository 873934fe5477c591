/**
 * A small HTTP client for Steward's own scripts (demo traffic, kill test, benchmark): it signs in
 * the way a browser does, or uses a personal API token, and talks only to the public API.
 */
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import { gzipSync } from "node:zlib";
import { nextStartArgs } from "./next-start.mjs";

export type Credentials = { token?: string; email?: string; password?: string };

/**
 * The console's URL for a script: --url, else STEWARD_URL, else http://127.0.0.1:$PORT (the port
 * `npm start` listens on; 3000 when PORT is unset). No trailing slash.
 */
export function consoleUrl(env: Record<string, string | undefined> = process.env, flag: string | null = argValue("url", "") || null): string {
  return (flag ?? env.STEWARD_URL ?? `http://127.0.0.1:${env.PORT || "3000"}`).replace(/\/+$/, "");
}

/**
 * fetch that says which URL failed and why when the request never got an answer ("fetch failed"
 * alone names neither): `POST http://127.0.0.1:3000/api/v1/decisions: connection refused
 * (ECONNREFUSED) — is the console running there? Start it with npm start, or pass --url / set PORT`.
 */
export async function fetchExplained(url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const code = cause?.code;
    const reason =
      code === "ECONNREFUSED" ? "connection refused (ECONNREFUSED)" : code === "ENOTFOUND" ? "no such host (ENOTFOUND)" : code ? `${cause?.message ?? code} (${code})` : (cause?.message ?? (error as Error).message);
    throw new Error(`${init?.method ?? "GET"} ${url}: ${reason} — is the console running there? Start it with npm start, or pass --url / set PORT`, { cause: error });
  }
}

export class StewardClient {
  private constructor(
    readonly baseUrl: string,
    private readonly authHeaders: Record<string, string>,
  ) {}

  /**
   * STEWARD_TOKEN (a personal API token) if given, else a session from the admin's email and password.
   * `signInHeaders` go with the sign-in requests only (the fleet test pins them to one console).
   */
  static async connect(baseUrl: string, credentials: Credentials, signInHeaders: Record<string, string> = {}): Promise<StewardClient> {
    if (credentials.token) return new StewardClient(baseUrl, { authorization: `Bearer ${credentials.token}` });
    if (!credentials.email || !credentials.password) throw new Error("Set STEWARD_TOKEN, or STEWARD_ADMIN_EMAIL and STEWARD_ADMIN_PASSWORD");
    const csrf = await fetchExplained(`${baseUrl}/api/auth/csrf`, { headers: signInHeaders });
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const jar = new Map<string, string>();
    const keep = (response: Response) => {
      for (const cookie of response.headers.getSetCookie()) {
        const [pair] = cookie.split(";");
        const [name, ...value] = pair!.split("=");
        jar.set(name!.trim(), value.join("="));
      }
    };
    keep(csrf);
    const cookieHeader = () => [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
    const signIn = await fetchExplained(`${baseUrl}/api/auth/callback/credentials`, {
      method: "POST",
      redirect: "manual",
      headers: { ...signInHeaders, "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader() },
      body: new URLSearchParams({ csrfToken, email: credentials.email, password: credentials.password, callbackUrl: `${baseUrl}/` }),
    });
    keep(signIn);
    if (![...jar.keys()].some((name) => name.includes("session-token"))) throw new Error(`Sign-in as ${credentials.email} failed (HTTP ${signIn.status}); check the password`);
    // A cookie-authenticated change must carry this console's Origin, as a browser's would.
    return new StewardClient(baseUrl, { cookie: cookieHeader(), origin: new URL(baseUrl).origin });
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...this.authHeaders, ...extra };
  }

  async json<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetchExplained(`${this.baseUrl}${path}`, {
      method,
      headers: this.headers(body === undefined ? {} : { "content-type": "application/json" }),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // 204 and other empty answers have no body; a body that is not JSON is named with its request.
    const text = await response.text();
    if (!text) return { status: response.status, body: undefined as T };
    try {
      return { status: response.status, body: JSON.parse(text) as T };
    } catch {
      throw new Error(`${method} ${path}: HTTP ${response.status} answered with a body that is not JSON: ${text.slice(0, 200)}`);
    }
  }

  /** Registers the EP, or (if the name is taken) rotates its token with an hour's grace; returns the token. */
  /** `audiences`: the resource URIs it serves (set again on a re-run, so a changed port is picked up). */
  async enforcementPointToken(input: { name: string; kind: string; environment?: string; description?: string; audiences?: string[] }): Promise<{ id: string; token: string }> {
    const created = await this.json<{ enforcementPoint: { id: string }; token: string }>("POST", "/api/v1/enforcement-points", input);
    if (created.status === 201) return { id: created.body.enforcementPoint.id, token: created.body.token };
    if (created.status !== 409) throw new Error(`Registering ${input.name} failed: HTTP ${created.status} ${JSON.stringify(created.body)}`);
    const list = await this.json<{ enforcementPoints: { id: string; name: string }[] }>("GET", "/api/v1/enforcement-points");
    const existing = list.body.enforcementPoints.find((ep) => ep.name === input.name)!;
    const rotated = await this.json<{ token: string }>("POST", `/api/v1/enforcement-points/${existing.id}/rotate`, { graceHours: 1 });
    if (rotated.status !== 200) throw new Error(`Rotating ${input.name} failed: HTTP ${rotated.status}`);
    await this.json("POST", `/api/v1/enforcement-points/${existing.id}/enable`);
    if (input.audiences) {
      const set = await this.json("PUT", `/api/v1/enforcement-points/${existing.id}/audiences`, { audiences: input.audiences });
      if (set.status !== 200) throw new Error(`Setting the audiences of ${input.name} failed: HTTP ${set.status} ${JSON.stringify(set.body)}`);
    }
    return { id: existing.id, token: rotated.body.token };
  }
}

export async function postDecisions(baseUrl: string, token: string, decisions: unknown[], options: { path?: string; gzip?: boolean } = {}): Promise<{ status: number; body: unknown }> {
  const json = JSON.stringify(decisions);
  const response = await fetchExplained(`${baseUrl}${options.path ?? "/api/v1/decisions"}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...(options.gzip ? { "content-encoding": "gzip" } : {}) },
    body: options.gzip ? gzipSync(json) : json,
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: response.status, body };
}

/**
 * Requests on pooled keep-alive connections with node:http, which costs the client far less CPU than
 * fetch: benchmarks share the two cores with the server they measure.
 */
export function keepAliveClient(port: number, maxSockets: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const send = (method: string, route: string, body?: string | Buffer, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = http.request({ host: "127.0.0.1", port, path: route, method, agent, headers: body === undefined ? headers : { ...headers, "content-type": headers["content-type"] ?? "application/json", "content-length": String(Buffer.byteLength(body)) } }, (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (text += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, text }));
      });
      request.on("error", reject);
      request.end(body);
    });
  return { send, close: () => agent.destroy() };
}

/** Starts the built console (`next start`) on a port; resolves once /api/health answers. */
export async function startServer(options: { port: number; env: Record<string, string | undefined> }): Promise<ChildProcess> {
  // BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the console, not the bench.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, "node_modules/next/dist/bin/next", ...nextStartArgs({ port: options.port, host: "127.0.0.1" })], {
    env: { ...process.env, NODE_ENV: "production", ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", () => {});
  child.stderr?.on("data", (chunk: Buffer) => {
    if (process.env.STEWARD_SCRIPT_VERBOSE) process.stderr.write(chunk);
  });
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}`);
    try {
      const response = await fetch(`http://127.0.0.1:${options.port}/api/ready`);
      if (response.ok) return child;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  child.kill("SIGKILL");
  throw new Error("next start did not become ready within 90 s");
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Stops a console started by startServer: a graceful stop first (a CPU profile is written on a clean exit), then no mercy after 15 s. */
export async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((resolve) => server.once("exit", resolve));
  server.kill("SIGTERM");
  await Promise.race([exited, sleep(15_000)]);
  server.kill("SIGKILL");
}

export function argValue(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  if (index >= 0 && process.argv[index + 1]) return process.argv[index + 1]!;
  const inline = process.argv.find((arg) => arg.startsWith(`--${name}=`));
  return inline ? inline.slice(name.length + 3) : fallback;
}

export type ScratchConsole = {
  baseUrl: string;
  /** The scratch database's URL. */
  databaseUrl: string;
  admin: { email: string; password: string };
  server: () => ChildProcess;
  /** SIGKILLs the running server and starts a new one on the same database. */
  killAndRestart: () => Promise<void>;
};

/**
 * Runs `fn` against a built console on a fresh database (named steward_ingest_<label>_…) on the
 * Postgres server at serverUrl; the server, database and data folder are removed afterwards.
 */
export async function withScratchConsole<T>(options: { serverUrl: string; port: number; label: string }, fn: (scratch: ScratchConsole) => Promise<T>): Promise<T> {
  // Imported here, not at the top: the demo and traffic scripts use this client without a database of their own.
  const { randomBytes } = await import("node:crypto");
  const { mkdtempSync, rmSync } = await import("node:fs");
  const os = await import("node:os");
  const path = await import("node:path");
  const { scratchDatabase } = await import("../../testing/scratch-database");
  // Left empty: the console migrates it at start, as on a deploy.
  const database = await scratchDatabase(`steward_ingest_${options.label}`, { serverUrl: options.serverUrl, migrate: false });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `steward-${options.label}-`));
  const credentials = { email: `${options.label}@example.test`, password: `${options.label} password 123` };
  const env = { DATABASE_URL: database.url, STEWARD_DATA_DIR: dataDir, AUTH_SECRET: randomBytes(32).toString("hex"), STEWARD_ADMIN_EMAIL: credentials.email, STEWARD_ADMIN_PASSWORD: credentials.password };
  let server: ChildProcess | undefined;
  try {
    server = await startServer({ port: options.port, env });
    return await fn({
      baseUrl: `http://127.0.0.1:${options.port}`,
      databaseUrl: database.url,
      admin: credentials,
      server: () => server!,
      killAndRestart: async () => {
        const exited = new Promise((resolve) => server!.once("exit", resolve));
        server!.kill("SIGKILL");
        await exited;
        server = await startServer({ port: options.port, env });
      },
    });
  } finally {
    if (server) await stopServer(server);
    await sleep(300);
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
