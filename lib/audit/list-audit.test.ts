import { describe, expect, it } from "vitest";
import { suiteDatabase } from "@/testing/database";
import { userContext } from "@/testing/context";
import { registerEnforcementPoint } from "../enforcement-points/register-enforcement-point";
import { createPerson, updatePerson } from "../people/people";
import { readPageQuery, readQuery } from "../http/query";
import { AuditFilters, listAuditEntries } from "./list-audit";

suiteDatabase();

describe("audit trail entries", () => {
  it("name the entity each entry changed by its current name, and leave kinds without a name unnamed", async () => {
    const admin = userContext("admin");
    const suffix = Date.now().toString(36);
    const person = await createPerson({ ctx: admin, input: { name: `Pia ${suffix}`, email: `pia-${suffix}@example.test` } });
    await updatePerson({ ctx: admin, input: { personId: person.id, changes: { name: `Pia Renamed ${suffix}` } } });
    const { enforcementPoint } = await registerEnforcementPoint({ ctx: admin, input: { name: `gw-${suffix}`, kind: "mcp-gateway" } });

    const { entries } = await listAuditEntries({ ctx: admin, filters: {} });
    const personEntries = entries.filter((entry) => entry.entityId === person.id);
    expect(personEntries.map((entry) => [entry.action, entry.entityName])).toEqual([
      ["person.update", `Pia Renamed ${suffix}`],
      ["person.create", `Pia Renamed ${suffix}`],
    ]);
    const epEntry = entries.find((entry) => entry.entityType === "enforcement_point" && entry.entityId === enforcementPoint.id);
    expect(epEntry?.entityName).toBe(`gw-${suffix}`);
    for (const entry of entries.filter((entry) => !["agent", "enforcement_point", "person", "user", "team"].includes(entry.entityType))) expect(entry.entityName).toBeNull();
  });

  it("sort on the server by time either way, keyset-paged in that direction; an unknown order is refused (API) or the default (page)", async () => {
    const admin = userContext("admin");
    const suffix = `sort-${Date.now().toString(36)}`;
    for (let index = 0; index < 3; index++) await createPerson({ ctx: admin, input: { name: `Sorted ${suffix} ${index}`, email: `s${index}-${suffix}@example.test` } });
    const seqs = async (query: Record<string, string>) => {
      const { entries, nextBefore, nextParam } = await listAuditEntries({ ctx: admin, filters: readQuery(new URLSearchParams({ action: "person.create", ...query }), AuditFilters) });
      return { seqs: entries.map((entry) => entry.seq), next: nextBefore, nextParam };
    };
    const newest = await seqs({});
    const oldest = await seqs({ sort: "time" });
    expect(newest.seqs).toEqual([...newest.seqs].sort((a, b) => b - a));
    expect(oldest.seqs).toEqual([...oldest.seqs].sort((a, b) => a - b));
    expect(oldest.seqs[0]).toBeLessThan(newest.seqs[0]!);
    // Oldest first pages forward with `after`.
    const afterFirst = await seqs({ sort: "time", after: String(oldest.seqs[0]) });
    expect(afterFirst.seqs[0]).toBe(oldest.seqs[1]);
    expect(oldest.nextParam).toBe("after");
    expect(() => readQuery(new URLSearchParams({ sort: "actor" }), AuditFilters)).toThrow(/sort/);
    expect(readPageQuery({ sort: "actor" }, AuditFilters).sort).toBe("-time");
  });
});
