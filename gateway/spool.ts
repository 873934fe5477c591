import { closeSync, existsSync, fdatasync, fdatasyncSync, fstatSync, ftruncateSync, mkdirSync, openSync, readdirSync, readSync, statSync, unlinkSync, writeSync } from "node:fs";
import { open, rename } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import type { GatewayConfig } from "./config";
import type { Logger } from "./log";
import type { Metrics } from "./metrics";

const fdatasyncAsync = promisify(fdatasync);

/** A position in the spool: segment number and byte offset within it. */
export type SpoolPosition = { segment: number; offset: number };
export type SpoolBatch = { lines: string[]; end: SpoolPosition };
export type AppendResult = "recorded" | "dropped" | "refused";

const SEGMENT = /^seg-(\d{12})\.ndjson$/;
const segmentName = (n: number) => `seg-${String(n).padStart(12, "0")}.ndjson`;

/**
 * The decision spool: an append-only log of NDJSON records in numbered segment files, plus a
 * cursor file naming how far the console has acknowledged. Appends are group-committed — every
 * record appended in one event-loop turn goes out in a single write() — and `append` resolves only
 * once its record is written (and, with durability "fsync", fdatasync'ed). A record's bytes never
 * change after they are written, so a re-sent batch is byte-identical and the console stores it
 * once (ingest dedups an exact retry by decision id and content).
 *
 * Bound: when the unshipped backlog reaches `maxBytes`, `whenFull` decides: "fail-closed" refuses
 * the append (the call is refused with an unavailable error), "stop-recording" drops it (counted in
 * steward_gateway_spool_dropped_total); either way steward_gateway_spool_full is 1 and an error is
 * logged once per episode.
 */
export class Spool {
  private fd = -1;
  private active = 0;
  private activeSize = 0;
  private cursor: SpoolPosition = { segment: 0, offset: 0 };
  private segmentSizes = new Map<number, number>();
  private pending: { line: string; resolve: (value: AppendResult) => void; reject: (error: Error) => void }[] = [];
  private flushScheduled = false;
  private flushing: Promise<void> = Promise.resolve();
  private dirty = false;
  private syncTimer: NodeJS.Timeout | null = null;
  private full = false;
  private listeners = new Set<() => void>();
  backlogRecords = 0;

  private constructor(
    private readonly dir: string,
    private readonly options: GatewayConfig["spool"],
    private readonly metrics: Metrics,
    private readonly logger: Logger,
  ) {}

  static open(options: GatewayConfig["spool"], metrics: Metrics, logger: Logger): Spool {
    const spool = new Spool(path.resolve(options.dir), options, metrics, logger);
    spool.recover();
    return spool;
  }

  private recover(): void {
    mkdirSync(this.dir, { recursive: true });
    const cursorFile = path.join(this.dir, "cursor.json");
    if (existsSync(cursorFile)) this.cursor = JSON.parse(readFileText(cursorFile)) as SpoolPosition;
    const segments = readdirSync(this.dir)
      .map((name) => SEGMENT.exec(name)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    for (const n of segments) {
      if (n < this.cursor.segment) unlinkSync(path.join(this.dir, segmentName(n)));
      else this.segmentSizes.set(n, statSync(path.join(this.dir, segmentName(n))).size);
    }
    this.active = Math.max(this.cursor.segment, segments.at(-1) ?? 0);
    this.fd = openSync(path.join(this.dir, segmentName(this.active)), "a+");
    // A record cut short by a crash mid-write was never acknowledged to anyone: drop the torn tail.
    this.activeSize = fstatSync(this.fd).size;
    const keep = lastNewlineEnd(this.fd, this.activeSize);
    if (keep < this.activeSize) {
      ftruncateSync(this.fd, keep);
      this.logger.warn("spool: dropped a torn record at the end of the log", { segment: this.active, bytes: this.activeSize - keep });
      this.activeSize = keep;
    }
    this.segmentSizes.set(this.active, this.activeSize);
    if (this.cursor.segment === 0 && this.cursor.offset === 0 && this.active > 0) this.cursor = { segment: this.active, offset: 0 };
    this.backlogRecords = this.countBacklogRecords();
    this.updateGauges();
    this.syncTimer = setInterval(() => this.periodicSync(), this.options.syncIntervalMs);
    this.syncTimer.unref();
  }

  /** Unshipped bytes on disk. */
  get backlogBytes(): number {
    let total = 0;
    for (const [n, size] of this.segmentSizes) if (n >= this.cursor.segment) total += n === this.cursor.segment ? size - this.cursor.offset : size;
    return total;
  }

  get isFull(): boolean {
    return this.full;
  }

  /** Called whenever something new is committed (the shipper wakes on it). */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Records one decision. Resolves "recorded" once committed; "refused" (fail-closed) or
   * "dropped" (stop-recording) when the spool is at its bound.
   */
  append(record: unknown): Promise<AppendResult> {
    const line = `${JSON.stringify(record)}\n`;
    const queued = this.pending.reduce((sum, item) => sum + item.line.length, 0);
    if (this.backlogBytes + queued + line.length > this.options.maxBytes) {
      this.setFull(true);
      if (this.options.whenFull === "stop-recording") {
        this.metrics.spoolDropped.inc();
        return Promise.resolve("dropped");
      }
      return Promise.resolve("refused");
    }
    this.setFull(false);
    return new Promise((resolve, reject) => {
      this.pending.push({ line, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => {
          this.flushing = this.flushing.then(() => this.flush());
        });
      }
    });
  }

  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const group = this.pending;
    this.pending = [];
    if (!group.length) return;
    try {
      const buffer = Buffer.from(group.map((item) => item.line).join(""));
      if (this.activeSize > 0 && this.activeSize + buffer.length > this.options.segmentBytes) this.rotate();
      for (let written = 0; written < buffer.length; ) written += writeSync(this.fd, buffer, written, buffer.length - written);
      this.activeSize += buffer.length;
      this.segmentSizes.set(this.active, this.activeSize);
      this.backlogRecords += group.length;
      if (this.options.durability === "fsync") await fdatasyncAsync(this.fd);
      else this.dirty = true;
      for (const item of group) item.resolve("recorded");
    } catch (error) {
      this.logger.error("spool: write failed", { error: error as Error });
      for (const item of group) item.reject(error as Error);
    }
    this.updateGauges();
    for (const listener of this.listeners) listener();
  }

  private rotate(): void {
    fdatasyncSync(this.fd);
    closeSync(this.fd);
    this.active += 1;
    this.activeSize = 0;
    this.fd = openSync(path.join(this.dir, segmentName(this.active)), "a+");
    this.segmentSizes.set(this.active, 0);
  }

  private periodicSync(): void {
    if (!this.dirty || this.fd < 0) return;
    this.dirty = false;
    const fd = this.fd;
    fdatasync(fd, (error) => {
      // A sync still in flight when close() synced and closed the file has nothing left to do.
      if (error && this.fd === fd) this.logger.error("spool: fdatasync failed", { error });
    });
  }

  /** Up to `max` whole records after the acknowledged cursor, and the position after them. */
  readBatch(max: number, maxBytes = 4 * 1024 * 1024): SpoolBatch {
    const lines: string[] = [];
    let position = { ...this.cursor };
    let bytes = 0;
    while (lines.length < max && bytes < maxBytes) {
      const size = this.segmentSizes.get(position.segment);
      if (size === undefined) break;
      if (position.offset >= size) {
        if (position.segment >= this.active) break;
        position = { segment: position.segment + 1, offset: 0 };
        continue;
      }
      const length = Math.min(size - position.offset, maxBytes - bytes, 1024 * 1024);
      const buffer = Buffer.alloc(length);
      const fd = position.segment === this.active ? this.fd : openSync(path.join(this.dir, segmentName(position.segment)), "r");
      try {
        readSync(fd, buffer, 0, length, position.offset);
      } finally {
        if (fd !== this.fd) closeSync(fd);
      }
      let start = 0;
      let progressed = false;
      for (let index = buffer.indexOf(10); index !== -1 && lines.length < max; index = buffer.indexOf(10, start)) {
        lines.push(buffer.toString("utf8", start, index));
        start = index + 1;
        progressed = true;
      }
      if (!progressed) {
        if (length === 1024 * 1024) throw new Error(`spool: a record at segment ${position.segment} offset ${position.offset} exceeds 1 MiB`);
        break;
      }
      position = { segment: position.segment, offset: position.offset + start };
      bytes += start;
    }
    return { lines, end: position };
  }

  /**
   * Marks everything before `end` as acknowledged by the console; fully shipped segments are
   * deleted. The cursor file is replaced atomically (write, fdatasync, rename) on libuv's thread
   * pool: done synchronously, its fdatasync blocked the event loop — 11 % of the gateway's CPU
   * profile under load, stalling every call in flight. One ack at a time (the shipper awaits it).
   */
  async ack(end: SpoolPosition, records: number): Promise<void> {
    const file = path.join(this.dir, "cursor.json");
    const temp = `${file}.tmp`;
    const handle = await open(temp, "w");
    try {
      await handle.writeFile(JSON.stringify(end));
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
    for (const n of [...this.segmentSizes.keys()]) {
      if (n < end.segment) {
        unlinkSync(path.join(this.dir, segmentName(n)));
        this.segmentSizes.delete(n);
      }
    }
    this.cursor = end;
    this.backlogRecords = Math.max(0, this.backlogRecords - records);
    if (this.full && this.backlogBytes < this.options.maxBytes) this.setFull(false);
    this.updateGauges();
  }

  /** Waits for queued appends to be written, then fdatasyncs (graceful shutdown). */
  async drain(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    await this.flushing;
    if (this.pending.length) await this.flush();
    if (this.fd >= 0) fdatasyncSync(this.fd);
  }

  close(): void {
    if (this.syncTimer) clearInterval(this.syncTimer);
    if (this.fd >= 0) {
      fdatasyncSync(this.fd);
      closeSync(this.fd);
      this.fd = -1;
    }
  }

  oldestTime(): string | null {
    const first = this.readBatch(1).lines[0];
    if (!first) return null;
    return (JSON.parse(first) as { time?: string }).time ?? null;
  }

  private setFull(full: boolean): void {
    if (full === this.full) return;
    this.full = full;
    this.metrics.spoolFull.set(full ? 1 : 0);
    if (full) this.logger.error("spool full: decisions are being " + (this.options.whenFull === "fail-closed" ? "refused (fail-closed)" : "left unrecorded (stop-recording)"), { maxBytes: this.options.maxBytes, backlogBytes: this.backlogBytes });
    else this.logger.info("spool below its bound again; recording resumed");
  }

  private updateGauges(): void {
    this.metrics.spoolBytes.set(this.backlogBytes);
    this.metrics.spoolRecords.set(this.backlogRecords);
  }

  private countBacklogRecords(): number {
    const saved = this.cursor;
    let count = 0;
    try {
      for (;;) {
        const batch = this.readBatch(10_000, 64 * 1024 * 1024);
        if (!batch.lines.length) break;
        count += batch.lines.length;
        this.cursor = batch.end;
      }
    } finally {
      this.cursor = saved;
    }
    return count;
  }
}

function readFileText(file: string): string {
  const fd = openSync(file, "r");
  try {
    const size = fstatSync(fd).size;
    const buffer = Buffer.alloc(size);
    readSync(fd, buffer, 0, size, 0);
    return buffer.toString("utf8");
  } finally {
    closeSync(fd);
  }
}

/** Length of the file up to and including its last newline. */
function lastNewlineEnd(fd: number, size: number): number {
  if (size === 0) return 0;
  const chunk = Math.min(size, 1024 * 1024);
  const buffer = Buffer.alloc(chunk);
  readSync(fd, buffer, 0, chunk, size - chunk);
  const index = buffer.lastIndexOf(10);
  return index === -1 ? (size > chunk ? size : 0) : size - chunk + index + 1;
}
