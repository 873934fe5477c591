import { describe, expect, it } from "vitest";
import { newId } from "./ids";

describe("newId", () => {
  it("gives prefixed, time-sortable ids with 16 random characters, none repeated across many pool refills", () => {
    const ids = Array.from({ length: 5_000 }, () => newId("tst")); // ≈ 20 refills of the random pool
    for (const id of ids) expect(id).toMatch(/^tst_[0-9a-hjkmnp-tv-z]{26}$/);
    expect(new Set(ids.map((id) => id.slice(-16))).size).toBe(ids.length);
    expect(ids[0]!.slice(4, 14) <= ids.at(-1)!.slice(4, 14)).toBe(true);
  });
});
