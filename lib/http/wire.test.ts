import { describe, expect, expectTypeOf, it } from "vitest";
import type { PolicyResponses } from "../policies/api-contract";
import type { Wire } from "./wire";

/**
 * Wire<T> is checked by tsc (these files are in tsconfig): a wrong mapping fails the typecheck.
 * The runtime case shows the JSON round trip it models.
 */
describe("Wire<T>, what Response.json sends", () => {
  it("turns Dates into ISO strings at any depth, keeps nulls and drops functions", () => {
    type Row = { at: Date; nested: { until: Date | null }[]; name: string; run: () => void };
    expectTypeOf<Wire<Row>>().toEqualTypeOf<{ at: string; nested: { until: string | null }[]; name: string }>();
    const sent = { at: new Date("2026-12-01T04:00:00Z"), nested: [{ until: null }], name: "x", run: () => undefined };
    expect(JSON.parse(JSON.stringify(sent))).toEqual({ at: "2026-12-01T04:00:00.000Z", nested: [{ until: null }], name: "x" });
  });

  it("gives the studio the versions list with createdAt as a string, as the route sends it", () => {
    expectTypeOf<PolicyResponses["versions"]["versions"][number]["createdAt"]>().toEqualTypeOf<string>();
    expectTypeOf<PolicyResponses["versions"]["versions"][number]["revision"]>().toEqualTypeOf<number>();
  });
});
