import { describe, expect, it } from "vitest";
import { suiteDatabase } from "@/testing/database";
import { STEWARD_PDP_ENFORCEMENT_POINT } from "@/lib/policies/pdp-decisions";
import { enforcementPointNames } from "./enforcement-points";
import { BUILT_IN_ENFORCEMENT_POINT_NAMES, entityNames } from "./entity-names";

const database = suiteDatabase();

describe("entity names", () => {
  it("name the console's own PDP and token service, which has no enforcement point row, and nothing that does not exist", async () => {
    expect(BUILT_IN_ENFORCEMENT_POINT_NAMES.has(STEWARD_PDP_ENFORCEMENT_POINT)).toBe(true);
    const names = await entityNames(database.db, { enforcement_point: [STEWARD_PDP_ENFORCEMENT_POINT, "ep_missing"] });
    expect(names.enforcement_point.get(STEWARD_PDP_ENFORCEMENT_POINT)).toBe("Steward console (PDP and token service)");
    expect(names.enforcement_point.has("ep_missing")).toBe(false);
    expect(await enforcementPointNames(database.db, [STEWARD_PDP_ENFORCEMENT_POINT, "ep_missing"])).toEqual([{ id: STEWARD_PDP_ENFORCEMENT_POINT, name: "Steward console (PDP and token service)" }]);
  });
});
