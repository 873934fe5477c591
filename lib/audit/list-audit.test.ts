import { describe, expect, it } from "vitest";
import { suiteDatabase } from "@/testing/database";
import { userContext } from "@/testing/context";
import { registerEnforcementPoint } from "../enforcement-points/register-enforcement-point";
import { createPerson, updatePerson } from "../people/people";
import { listAuditEntries } from "./list-audit";

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
});
