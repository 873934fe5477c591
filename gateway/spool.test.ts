import { describe, expect, it } from "vitest";
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { GatewayConfig } from "./config";
import { createMetrics } from "./metrics";
import { Spool } from "./spool";
import { quietLogger } from "@/testing/gateway";

const options = (overrides: Partial<GatewayConfig["spool"]> = {}): GatewayConfig["spool"] =>
  GatewayConfig.parse({ publicUrl: "http://127.0.0.1:3790", console: { url: "http://127.0.0.1:3791", token: "x" }, spool: { dir: mkdtempSync(path.join(tmpdir(), "spool-test-")), ...overrides } }).spool;

const record = (i: number) => ({ id: `d${i}`, time: new Date().toISOString(), pad: "x".repeat(100) });

describe("decision spool", () => {
  it("commits appends made in one turn together and reads them back in order", async () => {
    const spool = Spool.open(options(), createMetrics(), quietLogger());
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => spool.append(record(i))));
    expect(results.every((result) => result === "recorded")).toBe(true);
    const batch = spool.readBatch(1000);
    expect(batch.lines.map((line) => (JSON.parse(line) as { id: string }).id)).toEqual(Array.from({ length: 100 }, (_, i) => `d${i}`));
    expect(spool.backlogRecords).toBe(100);
    await spool.ack(batch.end, batch.lines.length);
    expect(spool.backlogRecords).toBe(0);
    expect(spool.backlogBytes).toBe(0);
    expect(spool.readBatch(10).lines).toEqual([]);
    spool.close();
  });

  it("survives a restart: the acknowledged cursor and the unshipped records are kept, a torn tail is dropped", async () => {
    const opts = options();
    const first = Spool.open(opts, createMetrics(), quietLogger());
    for (let i = 0; i < 10; i++) await first.append(record(i));
    const acked = first.readBatch(4);
    await first.ack(acked.end, 4);
    first.close();
    // A crash in the middle of a write leaves half a record at the end.
    const segment = readdirSync(opts.dir).find((name) => name.startsWith("seg-"))!;
    appendFileSync(path.join(opts.dir, segment), '{"id":"torn","ti');
    const second = Spool.open(opts, createMetrics(), quietLogger());
    expect(second.backlogRecords).toBe(6);
    expect(second.readBatch(100).lines.map((line) => (JSON.parse(line) as { id: string }).id)).toEqual(["d4", "d5", "d6", "d7", "d8", "d9"]);
    expect(readFileSync(path.join(opts.dir, segment), "utf8").endsWith("\n")).toBe(true);
    await second.append(record(10));
    expect(second.readBatch(100).lines).toHaveLength(7);
    second.close();
  });

  it("rotates segments and deletes the ones fully shipped", async () => {
    const opts = options({ segmentBytes: 1024 });
    const spool = Spool.open(opts, createMetrics(), quietLogger());
    for (let i = 0; i < 40; i++) await spool.append(record(i));
    expect(readdirSync(opts.dir).filter((name) => name.startsWith("seg-")).length).toBeGreaterThan(3);
    let shipped = 0;
    for (let batch = spool.readBatch(7); batch.lines.length; batch = spool.readBatch(7)) {
      await spool.ack(batch.end, batch.lines.length);
      shipped += batch.lines.length;
    }
    expect(shipped).toBe(40);
    expect(readdirSync(opts.dir).filter((name) => name.startsWith("seg-")).length).toBe(1);
    spool.close();
  });

  it("fail-closed: refuses appends beyond the bound without writing them, raises the alarm, and recovers after shipping", async () => {
    const opts = options({ maxBytes: 2_000, whenFull: "fail-closed" });
    const metrics = createMetrics();
    const logs: string[] = [];
    const spool = Spool.open(opts, metrics, { ...quietLogger(), error: (msg: string) => logs.push(msg) });
    const results: string[] = [];
    for (let i = 0; i < 30; i++) results.push(await spool.append(record(i)));
    expect(results.filter((result) => result === "recorded").length).toBeGreaterThan(5);
    expect(results.at(-1)).toBe("refused");
    expect(spool.backlogBytes).toBeLessThanOrEqual(2_000);
    const onDisk = readdirSync(opts.dir).filter((name) => name.startsWith("seg-")).reduce((sum, name) => sum + statSync(path.join(opts.dir, name)).size, 0);
    expect(onDisk).toBeLessThanOrEqual(2_000);
    expect((await metrics.registry.getSingleMetricAsString("steward_gateway_spool_full"))).toContain("steward_gateway_spool_full 1");
    expect(logs.some((line) => line.includes("spool full"))).toBe(true);
    const batch = spool.readBatch(1000);
    await spool.ack(batch.end, batch.lines.length);
    expect(await spool.append(record(99))).toBe("recorded");
    expect((await metrics.registry.getSingleMetricAsString("steward_gateway_spool_full"))).toContain("steward_gateway_spool_full 0");
    spool.close();
  });

  it("stop-recording: keeps answering but counts every decision it could not record", async () => {
    const metrics = createMetrics();
    const spool = Spool.open(options({ maxBytes: 1_000, whenFull: "stop-recording" }), metrics, quietLogger());
    const results: string[] = [];
    for (let i = 0; i < 20; i++) results.push(await spool.append(record(i)));
    const dropped = results.filter((result) => result === "dropped").length;
    expect(dropped).toBeGreaterThan(0);
    expect(await metrics.registry.getSingleMetricAsString("steward_gateway_spool_dropped_total")).toContain(`steward_gateway_spool_dropped_total ${dropped}`);
    expect(spool.backlogRecords).toBe(20 - dropped);
    spool.close();
  });
});
