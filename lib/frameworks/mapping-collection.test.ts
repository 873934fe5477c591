import { beforeAll, describe, expect, it } from "vitest";
import { suiteDatabase } from "@/testing/database";
import { listMappings } from "@/db/frameworks";
import { userContext } from "@/testing/context";
import mappingSchema from "./fixtures/oscal_mapping_schema.json";
import { addMapping } from "./add-mapping";
import { loadShippedFrameworks } from "./load-catalogs";
import { createOscalAjv } from "./oscal-validator";
import { readMappingCollection } from "./read-frameworks";

const database = suiteDatabase();
beforeAll(async () => {
  await loadShippedFrameworks(database.db);
});

type Map = { uuid: string; relationship: string; sources: { "id-ref": string }[]; targets: { "id-ref": string; props: { name: string; value: string }[] }[]; props: { name: string; value: string }[]; remarks?: string };

describe("control mappings as an OSCAL mapping collection", () => {
  it("publishes every mapping of a framework, validating against the OSCAL 1.2.2 mapping schema, with custom pairs marked and their rationale", async () => {
    const validate = createOscalAjv().compile(mappingSchema);
    const ctx = userContext("viewer");
    for (const frameworkId of ["owasp-agentic-top10-2026", "nist-ai-rmf-1.0", "nist-csf-2.0"]) {
      const collection = await readMappingCollection({ ctx, frameworkId });
      expect(validate(collection), `${frameworkId}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
      const maps = collection["mapping-collection"].mappings[0]!.maps as Map[];
      const stored = await listMappings(database.db, [frameworkId]);
      expect(maps).toHaveLength(stored.length);
      expect(new Set(maps.map((map) => map.uuid)).size).toBe(maps.length);
      // Every referenced back-matter resource exists.
      const resources = new Set(collection["mapping-collection"]["back-matter"].resources.map((resource) => resource.uuid));
      expect(resources.has(collection["mapping-collection"].mappings[0]!["source-resource"].href.slice(1))).toBe(true);
      expect(resources.has(collection["mapping-collection"].mappings[0]!["target-resource"].href.slice(1))).toBe(true);
    }

    const before = await readMappingCollection({ ctx, frameworkId: "owasp-agentic-top10-2026" });
    expect(await readMappingCollection({ ctx, frameworkId: "owasp-agentic-top10-2026" })).toEqual(before); // stable across downloads
    await addMapping({ ctx: userContext("security"), input: { controlId: "ctl-rate-limits", frameworkId: "owasp-agentic-top10-2026", itemId: "ASI03", rationale: "Rate limits cap what a misused identity can do." } });
    const after = await readMappingCollection({ ctx, frameworkId: "owasp-agentic-top10-2026" });
    expect(validate(after)).toBe(true);
    expect(after["mapping-collection"].uuid).not.toBe(before["mapping-collection"].uuid);
    const custom = (after["mapping-collection"].mappings[0]!.maps as Map[]).find((map) => map.sources[0]!["id-ref"] === "ctl-rate-limits" && map.targets[0]!["id-ref"] === "asi03")!;
    expect(custom).toMatchObject({ relationship: "intersects-with", remarks: "Rate limits cap what a misused identity can do." });
    expect(custom.props).toContainEqual(expect.objectContaining({ name: "origin", value: "custom" }));
    expect(custom.targets[0]!.props).toContainEqual(expect.objectContaining({ name: "label", value: "ASI03" }));
    await expect(readMappingCollection({ ctx, frameworkId: "nope" })).rejects.toMatchObject({ code: "not_found" });
  });
});
