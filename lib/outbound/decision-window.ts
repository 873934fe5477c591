import type { DecisionCursor } from "@/db/outbound";
import type { DecisionEventRow } from "./events";

/** One position of the decision stream and the decision stored there (null: no longer stored). */
export type DecisionItem = { cursor: DecisionCursor; row: DecisionEventRow | null };

/** Reads the decisions after a cursor, in stream order, up to `limit` (db/outbound `readDecisionsAfter`). */
export type ReadDecisionsAfter = (cursor: DecisionCursor, limit: number) => Promise<DecisionItem[]>;

const key = (cursor: DecisionCursor) => `${cursor.xid}\u0000${cursor.enforcementPointId}\u0000${cursor.decisionId}`;

/**
 * The recent stretch of the decision stream, read once and shared by every destination of this
 * process. Destinations that follow ingest sit at nearly the same cursor, so without it each one
 * repeats the same database read and row parsing per batch (measured with two destinations: half of
 * the delivery's PostgreSQL time). Correct because the stream below a read's snapshot xmin is final
 * (db/outbound reads only keys whose transaction ids precede it): the items after any cursor in the
 * window are exactly the window's next items, and reading after its last item continues it.
 *
 * Cursors are only ever compared for equality here: their text parts sort by the database's
 * collation, which JavaScript does not reproduce. A cursor not in the window reads the database
 * directly, as before; the window follows whichever destination extends it from its end.
 */
export class DecisionWindow {
  private items: DecisionItem[] = [];
  private index = new Map<string, number>();
  /** The cursor the first item follows. */
  private start: DecisionCursor | null = null;
  /** Reads in flight by the cursor they read after: destinations asking for the same stretch share one. */
  private reading = new Map<string, Promise<DecisionItem[]>>();

  /**
   * @param read the database read
   * @param unit decisions per database read: at least the largest batch a destination asks for
   * @param capacity decisions kept; the oldest are dropped first
   */
  constructor(
    private readonly read: ReadDecisionsAfter,
    private readonly unit = 1000,
    private readonly capacity = 10_000,
  ) {}

  /** Up to `limit` decisions after `cursor`, in stream order (fewer only at the end of the stream). */
  async after(cursor: DecisionCursor, limit: number): Promise<DecisionItem[]> {
    const position = this.positionAfter(cursor);
    if (position === null) {
      const items = await this.shared(cursor, Math.max(limit, this.unit), (read) => this.replace(cursor, read));
      return items.slice(0, limit);
    }
    if (this.items.length - position < limit) await this.extend();
    // The window may have been trimmed or replaced while extending; find the cursor again.
    const now = this.positionAfter(cursor);
    if (now === null) return (await this.read(cursor, limit)).slice(0, limit);
    return this.items.slice(now, now + limit);
  }

  /** The index of the first item after `cursor`, or null when the window does not hold that position. */
  private positionAfter(cursor: DecisionCursor): number | null {
    if (this.start && key(this.start) === key(cursor)) return 0;
    const found = this.index.get(key(cursor));
    return found === undefined ? null : found + 1;
  }

  /** Reads after the window's last item and appends, unless the window moved meanwhile. */
  private async extend(): Promise<void> {
    const last = this.items.at(-1)?.cursor ?? this.start;
    if (!last) return;
    await this.shared(last, this.unit, (items) => {
      const end = this.items.at(-1)?.cursor ?? this.start;
      if (end && key(end) === key(last)) this.append(items);
    });
  }

  /** One database read per cursor at a time; `use` runs once, before any caller continues. */
  private shared(cursor: DecisionCursor, limit: number, use: (items: DecisionItem[]) => void): Promise<DecisionItem[]> {
    const after = key(cursor);
    let read = this.reading.get(after);
    if (!read) {
      read = this.read(cursor, limit).then((items) => {
        use(items);
        return items;
      });
      this.reading.set(after, read);
      const done = () => void (this.reading.get(after) === read && this.reading.delete(after));
      read.then(done, done);
    }
    return read;
  }

  private replace(start: DecisionCursor, items: DecisionItem[]): void {
    // A lagging destination's read does not take the window from the ones ahead of it.
    const lastXid = (list: DecisionItem[]) => (list.length ? BigInt(list.at(-1)!.cursor.xid) : -1n);
    if (this.items.length && lastXid(items) <= lastXid(this.items)) return;
    this.items = [];
    this.index.clear();
    this.start = start;
    this.append(items);
  }

  private append(items: DecisionItem[]): void {
    for (const item of items) {
      this.index.set(key(item.cursor), this.items.length);
      this.items.push(item);
    }
    const excess = this.items.length - this.capacity;
    if (excess > 0) {
      this.start = this.items[excess - 1]!.cursor;
      this.items = this.items.slice(excess);
      this.index.clear();
      this.items.forEach((item, position) => this.index.set(key(item.cursor), position));
    }
  }
}
