import { describe, expect, it } from "vitest";
import type { DecisionCursor } from "@/db/outbound";
import { DecisionWindow, type DecisionItem } from "./decision-window";

/** A growing stream in an array, read the way db/outbound reads it (strictly after a cursor), counting reads. */
function stream() {
  const items: DecisionItem[] = [];
  const origin: DecisionCursor = { xid: "0", enforcementPointId: "", decisionId: "" };
  let reads = 0;
  let rowsRead = 0;
  const same = (a: DecisionCursor, b: DecisionCursor) => a.xid === b.xid && a.enforcementPointId === b.enforcementPointId && a.decisionId === b.decisionId;
  return {
    origin,
    items,
    add(count: number) {
      for (let n = 0; n < count; n++) {
        const id = items.length;
        // Several decisions per transaction id, as a batch insert commits many at once.
        items.push({ cursor: { xid: String(1000 + Math.floor(id / 7)), enforcementPointId: "ep_1", decisionId: `d${String(id).padStart(6, "0")}` }, row: null });
      }
    },
    read: async (cursor: DecisionCursor, limit: number) => {
      reads++;
      await Promise.resolve();
      const start = same(cursor, origin) ? 0 : items.findIndex((item) => same(item.cursor, cursor)) + 1;
      const slice = items.slice(start, start + limit);
      rowsRead += slice.length;
      return slice;
    },
    counts: () => ({ reads, rowsRead }),
  };
}

describe("DecisionWindow", () => {
  it("answers every cursor exactly as the database read would, while the stream grows", async () => {
    const source = stream();
    source.add(3_000);
    const window = new DecisionWindow(source.read, 1_000, 2_500);
    const cursors = [source.origin, source.origin];
    for (let step = 0; step < 60; step++) {
      const who = step % cursors.length;
      const limit = who === 0 ? 500 : 1_000;
      const got = await window.after(cursors[who]!, limit);
      expect(got).toEqual(await source.read(cursors[who]!, limit));
      if (got.length) cursors[who] = got.at(-1)!.cursor;
      if (step % 5 === 0) source.add(400);
    }
  });

  it("reads each stretch of the stream once for two destinations that follow it", async () => {
    const source = stream();
    source.add(10_000);
    const window = new DecisionWindow(source.read, 1_000);
    let webhook = source.origin;
    let syslog = source.origin;
    for (;;) {
      const [a, b] = await Promise.all([window.after(webhook, 500), window.after(syslog, 1_000)]);
      if (!a.length && !b.length) break;
      if (a.length) webhook = a.at(-1)!.cursor;
      if (b.length) syslog = b.at(-1)!.cursor;
    }
    expect(webhook).toEqual(source.items.at(-1)!.cursor);
    expect(syslog).toEqual(source.items.at(-1)!.cursor);
    // 20,000 rows delivered in all; the database gave each of the 10,000 once (plus the empty reads at the end).
    expect(source.counts().rowsRead).toBe(10_000);
  });

  it("lets a destination far behind read directly without taking the window from the one ahead", async () => {
    const source = stream();
    source.add(5_000);
    const window = new DecisionWindow(source.read, 1_000, 2_000);
    let ahead = source.origin;
    for (let n = 0; n < 4; n++) ahead = (await window.after(ahead, 1_000)).at(-1)!.cursor;
    const before = source.counts().rowsRead;
    const behind = await window.after(source.origin, 500); // trimmed away: a direct read
    expect(behind).toEqual(source.items.slice(0, 500));
    const next = await window.after(ahead, 500); // still served from the window's last read-ahead
    expect(next).toEqual(source.items.slice(4_000, 4_500));
    expect(source.counts().rowsRead - before).toBe(1_000 + 1_000); // the direct read, then one extension
  });
});
