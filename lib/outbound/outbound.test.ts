import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createServer as createTlsServer } from "node:tls";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { openTestDatabase } from "@/testing/database";
import { auditLog } from "@/db/schema";
import { createAgent } from "../agents/create-agent";
import { ingestDecisions } from "../decisions/ingest-decisions";
import { enforcementPointContext, sampleDecision } from "../decisions/ingest-testing";
import { registerEnforcementPoint } from "../enforcement-points/register-enforcement-point";
import { newId } from "../ids";
import { userContext } from "@/testing/context";
import { ALERT_SETTLE_MS, evaluateAlertRules } from "./alert-evaluator";
import { createAlertRule, listAlerts, transitionAlert } from "./alerts";
import { createDestination, getDestination, listDestinationDeliveries, listDestinations, resumeDestination, testDestination, updateDestination } from "./destinations";
import { runDeliveryPass } from "./dispatcher";
import { refusalFor } from "./network-guard";
import { startReceiver, startSyslogListener } from "./outbound-testing";
import { postBody } from "./transports";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let epId: string;
const admin = userContext("admin");
const security = userContext("security");

beforeAll(async () => {
  database = await openTestDatabase();
  epId = (await registerEnforcementPoint({ ctx: admin, input: { name: "outbound-gw", kind: "mcp-gateway" } })).enforcementPoint.id;
});
afterAll(async () => {
  await database?.close();
});
// Every test starts with no destinations, rules or alerts of an earlier one.
afterEach(async () => {
  for (const table of ["destinations", "alert_rules", "alerts", "destination_deliveries", "access_requests"]) await database.db.execute(sql.raw(`delete from ${table}`));
});

const ingest = (items: Record<string, unknown>[]) => ingestDecisions({ ctx: enforcementPointContext(epId), input: items.map((value) => ({ value })) });
const decisions = (count: number, overrides: Record<string, unknown> = {}) => Array.from({ length: count }, () => sampleDecision(overrides));
/**
 * Runs delivery passes, ignoring backoff (as time passing would), until a pass finds nothing to do
 * and no active destination has decisions waiting (a concurrent transaction can hold them back briefly).
 */
async function drain(owner = "proc_test", passes = 100) {
  for (let i = 0; i < passes; i++) {
    await database.db.execute(sql`update destinations set next_attempt_at = null`);
    const result = await runDeliveryPass(database, owner);
    if (result.delivered === 0 && result.failures === 0 && result.dropped === 0) {
      const waiting = (await listDestinations({ ctx: admin })).filter((destination) => destination.health.state !== "paused" && destination.enabled && destination.backlog.decisions > 0);
      if (waiting.length === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
const eventsIn = (body: string) => (JSON.parse(body) as { data: { events: { id: string; type: string; data: Record<string, unknown> }[] } }).data.events;

describe("webhook destinations", () => {
  it("signs each batch with the Standard Webhooks scheme and the receiver's library verifies it", async () => {
    const receiver = await startReceiver();
    try {
      const { destination, signingSecret } = await createDestination({ ctx: admin, input: { kind: "webhook", name: "siem-hook", url: `${receiver.url}/hook`, streams: ["decisions"], allowPrivateNetwork: true } });
      expect(signingSecret).toMatch(/^whsec_/);
      const sent = decisions(3);
      await ingest(sent);
      await drain();
      expect(receiver.received).toHaveLength(1);
      const [request] = receiver.received;
      const verified = new Webhook(signingSecret!).verify(request!.body, request!.headers as Record<string, string>) as { data: { events: { id: string }[] } };
      expect(verified.data.events.map((event) => event.id).sort()).toEqual(sent.map((item) => `dec.${epId}.${String(item.id)}`).sort());
      // A tampered body fails the same verifier.
      expect(() => new Webhook(signingSecret!).verify(request!.body.replace("allow", "deny"), request!.headers as Record<string, string>)).toThrow(/signature/i);
      expect((await getDestination({ ctx: admin, id: destination.id })).health.state).toBe("healthy");
    } finally {
      await receiver.close();
    }
  });

  it("delivers every decision exactly once, in order, through failures and a restart of the sender", async () => {
    // Fails the 2nd and 3rd requests (500, then a 429 with Retry-After), accepts the rest.
    const receiver = await startReceiver((_request, index) => (index === 1 ? { status: 500 } : index === 2 ? { status: 429, headers: { "retry-after": "7" } } : { status: 200 }));
    try {
      await createDestination({ ctx: admin, input: { kind: "webhook", name: "ordered", url: receiver.url, streams: ["decisions"], allowPrivateNetwork: true } });
      const batches = [decisions(400), decisions(400), decisions(400)];
      for (const batch of batches) await ingest(batch);
      // One pass: the first request (500 events) is accepted, the second refused with 500.
      await runDeliveryPass(database, "proc_first");
      const [row] = await database.db.execute<{ consecutive_failures: number; next_attempt_at: string | null }>(sql`select consecutive_failures, next_attempt_at::text from destinations`).then((result) => (Array.isArray(result) ? result : (result as unknown as { rows: never[] }).rows));
      expect(row).toMatchObject({ consecutive_failures: 1 });
      expect(row!.next_attempt_at).not.toBeNull();
      // A second pass before the backoff elapsed sends nothing.
      expect((await runDeliveryPass(database, "proc_first")).delivered).toBe(0);
      expect(receiver.received).toHaveLength(2);
      // Retry-After is honoured: 429 → next attempt about 7 s out.
      await database.db.execute(sql`update destinations set next_attempt_at = null`);
      await runDeliveryPass(database, "proc_first");
      const [afterThrottle] = await database.db.execute<{ wait: number }>(sql`select extract(epoch from next_attempt_at - now())::float as wait from destinations`).then((result) => (Array.isArray(result) ? result : (result as unknown as { rows: never[] }).rows));
      expect(afterThrottle!.wait).toBeGreaterThan(5);
      expect(afterThrottle!.wait).toBeLessThan(8);
      // Another process takes over (the first one's lease lapsed) and finishes.
      await database.db.execute(sql`update destinations set lease_owner = null, lease_until = null`);
      await drain("proc_second");
      const accepted = receiver.accepted().flatMap((request) => eventsIn(request.body).map((event) => event.id));
      const expected = batches.flat().map((item) => `dec.${epId}.${String(item.id)}`);
      expect(accepted).toHaveLength(expected.length);
      expect(new Set(accepted)).toEqual(new Set(expected));
      // In order: the batches arrive in commit order (each ingest batch is one transaction).
      const batchOf = new Map(batches.flatMap((batch, index) => batch.map((item) => [`dec.${epId}.${String(item.id)}`, index])));
      const order = accepted.map((id) => batchOf.get(id)!);
      expect(order).toEqual([...order].sort((a, b) => a - b));
      // The retried batch carried the same webhook-id as the refused attempts.
      const ids = receiver.received.map((request) => request.headers["webhook-id"]);
      expect(ids[1]).toBe(ids[2]);
      expect(ids[2]).toBe(ids[3]);
    } finally {
      await receiver.close();
    }
  });

  it("does not retry a 4xx refusal: the destination pauses, keeps its backlog, and resumes on request", async () => {
    let refuse = true;
    const receiver = await startReceiver(() => (refuse ? { status: 400, body: "bad schema" } : { status: 200 }));
    try {
      const { destination } = await createDestination({ ctx: admin, input: { kind: "webhook", name: "refuser", url: receiver.url, streams: ["decisions"], allowPrivateNetwork: true } });
      const sent = decisions(5);
      await ingest(sent);
      await drain();
      expect(receiver.received).toHaveLength(1);
      const paused = await getDestination({ ctx: admin, id: destination.id });
      expect(paused.health).toMatchObject({ state: "paused", pausedReason: expect.stringContaining("HTTP 400: bad schema") });
      refuse = false;
      await resumeDestination({ ctx: security, id: destination.id });
      await drain();
      expect(receiver.accepted().flatMap((request) => eventsIn(request.body).map((event) => event.id)).sort()).toEqual(sent.map((item) => `dec.${epId}.${String(item.id)}`).sort());
      const log = await listDestinationDeliveries({ ctx: admin, id: destination.id });
      expect(log.map((entry) => entry.outcome)).toEqual(["delivered", "paused"]);
    } finally {
      await receiver.close();
    }
  });

  it("retries 408 and connection failures, and times out a receiver that never answers", async () => {
    const hanging = await startReceiver(() => ({ status: 200, hang: true }));
    const slow = await postBody(new URL(hanging.url), {}, "{}", { allowPrivateNetwork: true }, 300);
    expect(slow).toMatchObject({ ok: false, retryable: true, status: null, excerpt: expect.stringContaining("no answer within 300 ms") });
    await hanging.close();
    const closed = await postBody(new URL(hanging.url), {}, "{}", { allowPrivateNetwork: true }, 300);
    expect(closed).toMatchObject({ ok: false, retryable: true });
    const timeoutStatus = await startReceiver(() => ({ status: 408 }));
    expect(await postBody(new URL(timeoutStatus.url), {}, "{}", { allowPrivateNetwork: true })).toMatchObject({ ok: false, status: 408, retryable: true });
    await timeoutStatus.close();
    const notFound = await startReceiver(() => ({ status: 404 }));
    expect(await postBody(new URL(notFound.url), {}, "{}", { allowPrivateNetwork: true })).toMatchObject({ ok: false, status: 404, retryable: false });
    await notFound.close();
  });

  it("applies the decision filter and still moves past what it filtered out", async () => {
    const receiver = await startReceiver();
    try {
      await createDestination({ ctx: admin, input: { kind: "webhook", name: "denies-only", url: receiver.url, streams: ["decisions"], decisionFilter: { outcomes: ["deny"] }, allowPrivateNetwork: true } });
      const denied = decisions(2, { outcome: "deny" });
      await ingest([...decisions(5), ...denied]);
      await drain();
      expect(receiver.accepted().flatMap((request) => eventsIn(request.body).map((event) => event.id)).sort()).toEqual(denied.map((item) => `dec.${epId}.${String(item.id)}`).sort());
      await ingest(decisions(3));
      await drain();
      expect(receiver.received).toHaveLength(1);
    } finally {
      await receiver.close();
    }
  });

  it("drops what is older than the backlog limit, says so in the delivery log, and counts it", async () => {
    const receiver = await startReceiver();
    try {
      const { destination } = await createDestination({ ctx: admin, input: { kind: "webhook", name: "short-memory", url: receiver.url, streams: ["decisions"], maxBacklogDays: 1, allowPrivateNetwork: true } });
      const old = decisions(4);
      await ingest(old);
      await database.db.execute(sql`update decisions set received_at = now() - interval '2 days' where decision_id in (${sql.join(old.map((item) => sql`${String(item.id)}`), sql`, `)})`);
      const fresh = decisions(2);
      await ingest(fresh);
      await drain();
      expect(receiver.accepted().flatMap((request) => eventsIn(request.body).map((event) => event.id)).sort()).toEqual(fresh.map((item) => `dec.${epId}.${String(item.id)}`).sort());
      const view = await getDestination({ ctx: admin, id: destination.id });
      expect(view.health.droppedEvents).toBe(4);
      expect((await listDestinationDeliveries({ ctx: admin, id: destination.id })).some((entry) => entry.outcome === "dropped" && entry.events === 4)).toBe(true);
    } finally {
      await receiver.close();
    }
  });
});

describe("audit events", () => {
  it("sends console changes to a destination that takes the audit stream", async () => {
    const receiver = await startReceiver();
    try {
      await createDestination({ ctx: admin, input: { kind: "webhook", name: "audit-sink", url: receiver.url, streams: ["audit"], allowPrivateNetwork: true } });
      const { destination: other } = await createDestination({ ctx: security, input: { kind: "webhook", name: "another", url: "https://hooks.example.com/x", streams: ["decisions"] } });
      await updateDestination({ ctx: security, id: other.id, input: { enabled: false } });
      await drain();
      const events = receiver.accepted().flatMap((request) => eventsIn(request.body));
      // Its own registration is the first thing it hears of (the cursor starts just before it).
      expect(events.map((event) => event.type)).toEqual(["audit.destination.create", "audit.destination.create", "audit.destination.update"]);
      expect(events[1]!.data).toMatchObject({ entityId: other.id, hash: expect.stringMatching(/[0-9a-f]{64}$/) });
    } finally {
      await receiver.close();
    }
  });
});

describe("other formats", () => {
  it("Splunk HEC: one event object per decision with the token header; the token never shows again", async () => {
    const token = `hec-${newId("tok")}`;
    // A receiver that echoes the Authorization header back must not leak the token into the log.
    const receiver = await startReceiver((request) => ({ status: 200, body: JSON.stringify({ text: "Success", code: 0, echo: request.headers.authorization }) }));
    const logged: string[] = [];
    const spies = (["log", "info", "warn", "error"] as const).map((method) => vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(" "))));
    try {
      const { destination } = await createDestination({ ctx: admin, input: { kind: "splunk_hec", name: "splunk", url: `${receiver.url}/services/collector/event`, index: "agents", streams: ["decisions"], secret: { token }, allowPrivateNetwork: true } });
      const sent = decisions(2);
      await ingest(sent);
      await drain();
      const request = receiver.accepted()[0]!;
      expect(request.headers.authorization).toBe(`Splunk ${token}`);
      const events = request.body.split("\n").map((line) => JSON.parse(line) as { time: number; index: string; sourcetype: string; event: { id: string } });
      expect(events.map((event) => event.event.id).sort()).toEqual(sent.map((item) => `dec.${epId}.${String(item.id)}`).sort());
      expect(events[0]).toMatchObject({ index: "agents", sourcetype: "steward:decisions", time: expect.any(Number) });
      await testDestination({ ctx: admin, id: destination.id });
      const everywhere = JSON.stringify([await listDestinations({ ctx: admin }), await getDestination({ ctx: admin, id: destination.id }), await listDestinationDeliveries({ ctx: admin, id: destination.id }), await database.db.select().from(auditLog), logged]);
      expect(everywhere).toContain("[redacted]");
      expect(everywhere).not.toContain(token);
    } finally {
      spies.forEach((spy) => spy.mockRestore());
      await receiver.close();
    }
  });

  it("syslog over TCP: RFC 5424 messages with octet-counting framing and CEF payloads", async () => {
    const listener = await startSyslogListener();
    try {
      await createDestination({ ctx: admin, input: { kind: "syslog", name: "syslog-tcp", host: "127.0.0.1", port: listener.port, tls: false, streams: ["decisions"], allowPrivateNetwork: true } });
      // A multi-byte name: frame lengths count UTF-8 bytes, not characters, or the frames after it misalign.
      const sent = decisions(3, { outcome: "deny", action: { name: "crm=delete|all→é" } });
      await ingest(sent);
      await drain();
      await vi.waitFor(() => expect(listener.frames).toHaveLength(3));
      for (const frame of listener.frames) {
        expect(frame).toMatch(/^<84>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z \S+ steward \d+ decision\.recorded - CEF:0\|Steward\|Steward\|0\.1\|decision\.recorded\|DENY .*\|6\|/);
        // CEF escaping: '=' in an extension value, '|' in a header field.
        expect(frame).toContain("act=crm\\=delete|all→é");
        expect(frame).toContain("DENY planner-7 crm=delete\\|all→é");
      }
      expect(listener.frames.map((frame) => /externalId=(\S+)/.exec(frame)![1]).sort()).toEqual(sent.map((item) => `dec.${epId}.${String(item.id)}`).sort());
    } finally {
      await listener.close();
    }
  });

  it("syslog over TLS verifies the receiver's certificate against the configured CA", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "steward-syslog-tls-"));
    execFileSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem"), "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "ignore" });
    const cert = readFileSync(path.join(dir, "cert.pem"), "utf8");
    const frames: string[] = [];
    const server = createTlsServer({ key: readFileSync(path.join(dir, "key.pem")), cert }, (socket) => {
      let text = "";
      socket.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
      socket.on("end", () => frames.push(text));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const { destination: untrusted } = await createDestination({ ctx: admin, input: { kind: "syslog", name: "tls-untrusted", host: "127.0.0.1", port, streams: ["decisions"], allowPrivateNetwork: true } });
      const trusted = await createDestination({ ctx: admin, input: { kind: "syslog", name: "tls-trusted", host: "127.0.0.1", port, caPem: cert, streams: ["decisions"], allowPrivateNetwork: true } });
      await ingest(decisions(1));
      await runDeliveryPass(database, "proc_tls");
      expect((await getDestination({ ctx: admin, id: untrusted.id })).health).toMatchObject({ state: "retrying", lastError: expect.stringMatching(/self.signed|certificate/i) });
      await vi.waitFor(() => expect(frames.join("")).toContain("CEF:0|Steward"));
      expect((await getDestination({ ctx: admin, id: trusted.destination.id })).health.state).toBe("healthy");
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("OTLP/HTTP logs: an ExportLogsServiceRequest with one record per event and the configured headers", async () => {
    const receiver = await startReceiver(() => ({ status: 200, body: "{}" }));
    try {
      await createDestination({ ctx: admin, input: { kind: "otlp_logs", name: "collector", url: `${receiver.url}/v1/logs`, streams: ["decisions"], secret: { headers: { "x-api-key": "collector-key-123" } }, allowPrivateNetwork: true } });
      const sent = decisions(2, { trace_id: "4bf92f3577b34da6a3ce929d0e0e4736", span_id: "00f067aa0ba902b7" });
      await ingest(sent);
      await drain();
      const request = receiver.accepted()[0]!;
      expect(request.headers["x-api-key"]).toBe("collector-key-123");
      const body = JSON.parse(request.body) as { resourceLogs: { resource: { attributes: { key: string }[] }; scopeLogs: { logRecords: { traceId?: string; timeUnixNano: string; attributes: { key: string; value: { stringValue?: string } }[] }[] }[] }[] };
      const records = body.resourceLogs[0]!.scopeLogs[0]!.logRecords;
      expect(records).toHaveLength(2);
      expect(records[0]!.traceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
      expect(records[0]!.timeUnixNano).toMatch(/^\d{19}$/);
      expect(records.map((record) => record.attributes.find((attribute) => attribute.key === "event.id")!.value.stringValue).sort()).toEqual(sent.map((item) => `dec.${epId}.${String(item.id)}`).sort());
    } finally {
      await receiver.close();
    }
  });

  it("Slack: a text message per batch with the user-supplied text escaped", async () => {
    const receiver = await startReceiver(() => ({ status: 200, body: "ok" }));
    try {
      await createDestination({ ctx: admin, input: { kind: "slack", name: "chat", streams: ["decisions"], secret: { webhookUrl: `${receiver.url}/services/T/B/X` }, allowPrivateNetwork: true } });
      await ingest(decisions(1, { action: { name: "<!channel> wipe" } }));
      await drain();
      const message = JSON.parse(receiver.accepted()[0]!.body) as { text: string };
      expect(message.text).toContain("&lt;!channel&gt; wipe");
      expect(message.text).not.toContain("<!channel>");
    } finally {
      await receiver.close();
    }
  });
});

describe("outbound network guard (SSRF)", () => {
  it.each([
    ["169.254.169.254", true],
    ["::ffff:169.254.169.254", true],
    ["fe80::1", true],
    ["fd00:ec2::254", true],
    ["100.100.100.200", true],
    ["0.0.0.0", true],
    ["::", true],
    ["224.0.0.1", true],
    ["255.255.255.255", true],
  ])("always refuses %s, even with private networks allowed", (address) => {
    expect(refusalFor(address, { allowPrivateNetwork: true })).toMatch(/never connects/);
  });

  it.each(["127.0.0.1", "10.1.2.3", "172.20.0.1", "192.168.1.1", "::1", "fd12::1", "100.64.0.1", "::ffff:127.0.0.1"])("refuses private %s unless allowed", (address) => {
    expect(refusalFor(address, { allowPrivateNetwork: false })).toMatch(/private/);
    expect(refusalFor(address, { allowPrivateNetwork: true })).toBeNull();
  });

  it("refuses forbidden URLs at registration, and private networks to anyone but an administrator", async () => {
    for (const url of ["http://169.254.169.254/latest/meta-data", "http://[::ffff:a9fe:a9fe]/", "http://[fe80::1]/", "http://127.0.0.1:9/", "http://10.0.0.8/", "ftp://example.com/", "http://user:pw@example.com/"]) {
      await expect(createDestination({ ctx: security, input: { kind: "webhook", name: newId("n"), url, streams: ["decisions"] } })).rejects.toMatchObject({ code: "invalid_input", path: "url" });
    }
    await expect(createDestination({ ctx: security, input: { kind: "webhook", name: "lan", url: "http://10.0.0.8/", streams: ["decisions"], allowPrivateNetwork: true } })).rejects.toMatchObject({ code: "forbidden", path: "allowPrivateNetwork" });
    await expect(createDestination({ ctx: userContext("risk"), input: { kind: "webhook", name: "x", url: "https://hooks.example.com/", streams: ["decisions"] } })).rejects.toMatchObject({ code: "forbidden" });
  });

  it("refuses at connect time a name that resolves to a private address (DNS), and pauses rather than retrying", async () => {
    const receiver = await startReceiver();
    try {
      const { destination } = await createDestination({ ctx: security, input: { kind: "webhook", name: "rebinding", url: `http://localhost:${receiver.port}/`, streams: ["decisions"] } });
      await ingest(decisions(1));
      await drain();
      expect(receiver.received).toHaveLength(0);
      expect((await getDestination({ ctx: admin, id: destination.id })).health).toMatchObject({ state: "paused", pausedReason: expect.stringContaining("loopback or private address") });
      const test = await testDestination({ ctx: security, id: destination.id });
      expect(test).toMatchObject({ ok: false, response: expect.stringContaining("Refused to connect to localhost") });
    } finally {
      await receiver.close();
    }
  });
});

describe("alert rules", () => {
  /** Evaluates as if the settle delay had passed since now; rows written afterwards fall in the next window. */
  const evaluate = async () => {
    const result = await evaluateAlertRules(database.db, new Date(Date.now() + ALERT_SETTLE_MS));
    await new Promise((resolve) => setTimeout(resolve, 5));
    return result;
  };
  // The rules judge windows of this process's clock: rows stamped by it too, not by the database server's now().
  const stamp = () => new Date().toISOString();
  const openAlerts = async () => (await listAlerts({ ctx: admin, query: {} })).filter((alert) => alert.status !== "resolved");

  it("shadow_agent fires for a newly discovered agent, not for an inventoried one", async () => {
    await createAgent({ ctx: security, input: { name: "known-bot", identities: [{ kind: "agent_id", value: "known-bot" }] } });
    await createAlertRule({ ctx: security, input: { name: "shadow", kind: "shadow_agent", severity: "high" } });
    await ingest(decisions(2, { agent: { id: "known-bot" } }));
    await evaluate();
    expect(await openAlerts()).toHaveLength(0);
    await ingest(decisions(1, { agent: { id: `ghost-${newId("x")}` } }));
    await evaluate();
    expect((await openAlerts()).map((alert) => alert.title)).toEqual([expect.stringMatching(/^New shadow agent ghost-/)]);
  });

  it("out_of_scope fires on an action outside the declared scope, not on a declared one", async () => {
    const name = `scoped-${newId("a")}`;
    await createAgent({ ctx: security, input: { name, declaredActions: ["crm.read_contact"], identities: [{ kind: "agent_id", value: name }] } });
    await createAlertRule({ ctx: security, input: { name: "scope", kind: "out_of_scope", severity: "medium" } });
    await ingest(decisions(3, { agent: { id: name } }));
    await evaluate();
    expect(await openAlerts()).toHaveLength(0);
    await ingest(decisions(2, { agent: { id: name }, action: { name: "crm.delete_contact" } }));
    await evaluate();
    expect((await openAlerts()).map((alert) => alert.detail)).toEqual([expect.objectContaining({ action: "crm.delete_contact", attempts: 2, allowed: 2 })]);
  });

  it("deny_rate fires above the threshold, not at it; repeats group into one alert until resolved past the cooldown", async () => {
    const agent = `denied-${newId("a")}`;
    await createAlertRule({ ctx: security, input: { name: "denies", kind: "deny_rate", params: { thresholdPercent: 50, windowMinutes: 10, minDecisions: 4 }, severity: "high", cooldownMinutes: 0 } });
    await ingest([...decisions(2, { agent: { id: agent }, outcome: "deny" }), ...decisions(2, { agent: { id: agent } })]);
    await evaluate();
    expect(await openAlerts()).toHaveLength(0); // exactly 50 %: a near miss
    await ingest(decisions(1, { agent: { id: agent }, outcome: "deny" }));
    await evaluate();
    await evaluate();
    const [alert] = await openAlerts();
    expect(alert).toMatchObject({ title: expect.stringContaining("60% of 5 decisions denied"), occurrences: 2, status: "open" });
    await transitionAlert({ ctx: security, id: alert!.id, to: "acknowledged" });
    await transitionAlert({ ctx: security, id: alert!.id, to: "resolved" });
    await expect(transitionAlert({ ctx: security, id: alert!.id, to: "acknowledged" })).rejects.toMatchObject({ code: "conflict" });
    await evaluate(); // cooldown 0: the condition still holds, so a new alert opens
    expect(await openAlerts()).toHaveLength(1);
    expect((await openAlerts())[0]!.id).not.toBe(alert!.id);
    const resolved = (await listAlerts({ ctx: admin, query: { status: "resolved" } }))[0]!;
    expect(resolved).toMatchObject({ acknowledgedBy: expect.any(String), resolvedBy: expect.any(String) });
  });

  it("ep_silent and ep_rejecting fire on the enforcement point's state, not on a near miss", async () => {
    const quiet = (await registerEnforcementPoint({ ctx: admin, input: { name: `quiet-${newId("e")}`, kind: "policy-engine" } })).enforcementPoint.id;
    await createAlertRule({ ctx: security, input: { name: "silent", kind: "ep_silent", params: { minutes: 15 }, severity: "medium" } });
    await createAlertRule({ ctx: security, input: { name: "rejecting", kind: "ep_rejecting", severity: "low" } });
    await database.db.execute(sql`update enforcement_points set last_seen_at = ${stamp()}::timestamptz - interval '10 minutes', last_rejected_at = ${stamp()}::timestamptz - interval '1 hour' where id = ${quiet}`);
    await evaluate();
    expect((await openAlerts()).filter((alert) => alert.detail.enforcementPointId === quiet)).toHaveLength(0);
    await database.db.execute(sql`update enforcement_points set last_seen_at = ${stamp()}::timestamptz - interval '20 minutes', last_rejected_at = ${stamp()}::timestamptz, last_rejected_reason = 'bad batch' where id = ${quiet}`);
    await evaluate();
    expect((await openAlerts()).filter((alert) => alert.detail.enforcementPointId === quiet).map((alert) => alert.title).sort()).toEqual([expect.stringContaining("had a batch rejected"), expect.stringContaining("silent for more than 15 min")]);
  });

  it("finding_opened fires for the chosen kinds only", async () => {
    const agent = await createAgent({ ctx: security, input: { name: `finder-${newId("a")}` } });
    await createAlertRule({ ctx: security, input: { name: "findings", kind: "finding_opened", params: { kinds: ["orphaned"] }, severity: "medium" } });
    await database.db.execute(sql`delete from findings where agent_id = ${agent.id}`);
    await database.db.execute(sql`insert into findings (id, agent_id, kind, first_detected_at) values (${newId("fnd")}, ${agent.id}, 'stale', ${stamp()}::timestamptz)`);
    await evaluate();
    expect(await openAlerts()).toHaveLength(0);
    await database.db.execute(sql`insert into findings (id, agent_id, kind, first_detected_at) values (${newId("fnd")}, ${agent.id}, 'orphaned', ${stamp()}::timestamptz)`);
    await evaluate();
    expect((await openAlerts()).map((alert) => alert.detail.kind)).toEqual(["orphaned"]);
  });

  it("approval_waiting fires once per access request pending longer than its minutes, not for a recent, decided or expired one", async () => {
    const agent = await createAgent({ ctx: security, input: { name: `waiter-${newId("a")}` } });
    const request = async (id: string, status: string, createdAgo: string, expiresIn: string) =>
      database.db.execute(sql`insert into access_requests (id, status, requester_key, requester_label, submission_hash, binding_jti, binding_hash, subject, action, resource, bound_context, agent_id, policies, required_groups, created_at, expires_at)
        values (${id}, ${status}, 'ep:test', 'test gateway', 'h', ${newId("jti")}, 'b', '{"type":"agent","id":"x"}'::jsonb, '{"name":"db.drop"}'::jsonb, '{"type":"tool","id":"db.drop"}'::jsonb, '{}'::jsonb, ${agent.id}, '["pol_x"]'::jsonb, '["owner"]'::jsonb, now() - ${createdAgo}::interval, now() + ${expiresIn}::interval)`);
    const waiting = newId("arq");
    await request(waiting, "pending", "40 minutes", "1 hour");
    await request(newId("arq"), "pending", "5 minutes", "1 hour");
    await request(newId("arq"), "pending", "40 minutes", "-1 minute");
    await request(newId("arq"), "approved", "40 minutes", "1 hour");
    await createAlertRule({ ctx: security, input: { name: "waiting", kind: "approval_waiting", params: { minutes: 30 }, severity: "medium" } });
    await evaluate();
    await evaluate();
    const alerts = await openAlerts();
    expect(alerts.map((alert) => [alert.detail.accessRequestId, alert.occurrences])).toEqual([[waiting, 2]]);
    expect(alerts[0]!.title).toContain(`waiter-`);
    expect(alerts[0]!.title).toContain("db.drop");
  });

  it("policy_never_matches fires for a published policy that determined nothing, once per revision, not for one that matched", async () => {
    const content = { policies: [{ id: "pol_used", source: "permit(principal, action, resource);" }, { id: "pol_dead", source: "forbid(principal, action, resource) when { false };" }], schemaText: "", entities: [], tests: [] };
    await database.db.execute(sql`insert into policy_versions (id, revision, message, author_label, content_hash, content, created_at) values (${newId("pv")}, 9001, 'test', 'test', 'h', ${JSON.stringify(content)}::jsonb, now() - interval '2 hours')`);
    await ingest(decisions(1, { reasons: ["pol_used"] }));
    await createAlertRule({ ctx: security, input: { name: "dead", kind: "policy_never_matches", params: { minutesAfterPublish: 60 }, severity: "low" } });
    await evaluate();
    await evaluate();
    expect((await listAlerts({ ctx: admin, query: {} })).map((alert) => [alert.detail.policyId, alert.occurrences])).toEqual([["pol_dead", 1]]);
    await database.db.execute(sql`delete from policy_versions where revision = 9001`);
  });

  it("rejects bad rule parameters naming the path, and sends alerts to the rule's destination", async () => {
    await expect(createAlertRule({ ctx: security, input: { name: "bad", kind: "deny_rate", params: { thresholdPercent: 500, windowMinutes: 5 }, severity: "high" } })).rejects.toMatchObject({ code: "invalid_input", path: "params.thresholdPercent" });
    await expect(createAlertRule({ ctx: userContext("viewer"), input: { name: "x", kind: "shadow_agent", severity: "high" } })).rejects.toMatchObject({ code: "forbidden" });
    const receiver = await startReceiver();
    try {
      const { destination } = await createDestination({ ctx: admin, input: { kind: "webhook", name: "pager", url: receiver.url, streams: ["audit"], allowPrivateNetwork: true } });
      await createAlertRule({ ctx: security, input: { name: "shadow-to-pager", kind: "shadow_agent", severity: "critical", destinationId: destination.id } });
      await database.db.execute(sql`update destinations set audit_cursor = (select max(seq) from audit_log)`);
      await ingest(decisions(1, { agent: { id: `ghost-${newId("x")}` } }));
      await evaluate();
      await drain();
      const events = receiver.accepted().flatMap((request) => eventsIn(request.body));
      expect(events.filter((event) => event.type === "alert.opened").map((event) => event.data.severity)).toEqual(["critical"]);
    } finally {
      await receiver.close();
    }
  });
});
