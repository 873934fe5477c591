import { createHash } from "node:crypto";
import type { ControlRow, FrameworkItemRow, FrameworkRow, MappingRow } from "@/db/frameworks";
import { canonicalJson } from "../audit/canonical-json";
import { toOscalToken, uuidV5 } from "../reports/oscal-ids";
import { OSCAL_VERSION, STEWARD_OSCAL_NS } from "../reports/render-oscal";

/** Namespace of the name-based UUIDs of Steward's mapping collections (a fixed v4 UUID). */
const MAPPING_NAMESPACE = "8f0b1c52-3c1e-4d8a-9a57-1f4e2b7c6d90";

const prop = (name: string, value: string) => ({ name, ns: STEWARD_OSCAL_NS, value: value.trim() || "-" });

/**
 * Steward's control mappings to one framework as an OSCAL 1.2.2 mapping collection: source is
 * Steward's control library, target the framework's catalog (both back-matter resources linking to
 * the API that serves them); one map per (control, item) pair with relationship `intersects-with`
 * (a Steward control evidences part of what the item asks, never all of it), the rationale as remarks
 * and `origin` (default or custom) as a prop. Target ids are the OSCAL tokens of the items, as in the
 * assessment results, with the publisher's id in a `label` prop. UUIDs are name-based (RFC 9562 v5),
 * so the same mappings always yield the same document; the document's UUID and version follow the
 * mappings' content hash, so any change of a mapping or rationale changes them.
 */
export function renderMappingCollection(input: { framework: FrameworkRow; items: FrameworkItemRow[]; controls: ControlRow[]; mappings: MappingRow[] }) {
  const { framework } = input;
  const items = new Map(input.items.map((item) => [item.itemId, item]));
  const controls = new Map(input.controls.map((control) => [control.id, control]));
  const mappings = input.mappings
    .filter((mapping) => mapping.frameworkId === framework.id && items.has(mapping.itemId) && controls.has(mapping.controlId))
    .sort((a, b) => (a.controlId < b.controlId ? -1 : a.controlId > b.controlId ? 1 : a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0));
  const contentHash = createHash("sha256")
    .update(canonicalJson({ framework: framework.id, revision: framework.revision, mappings: mappings.map(({ controlId, itemId, rationale, origin }) => ({ controlId, itemId, rationale, origin })) }))
    .digest("hex");
  const uuid = (name: string) => uuidV5(`${framework.id}:${name}`, MAPPING_NAMESPACE);
  const library = uuid("resource:steward-controls");
  const catalog = uuid("resource:catalog");
  const lastModified = new Date(Math.max(framework.loadedAt.getTime(), ...mappings.map((mapping) => mapping.createdAt.getTime()))).toISOString().replace(/\.\d{3}Z$/, "Z");
  const custom = mappings.filter((mapping) => mapping.origin === "custom").length;
  return {
    "mapping-collection": {
      uuid: uuidV5(`${framework.id}:collection:${contentHash}`, MAPPING_NAMESPACE),
      metadata: {
        title: `Steward controls to ${framework.name} ${framework.version}`,
        "last-modified": lastModified,
        version: contentHash.slice(0, 12),
        "oscal-version": OSCAL_VERSION,
        props: [prop("framework-id", framework.id), prop("mappings", String(mappings.length)), prop("custom-mappings", String(custom)), prop("content-sha256", contentHash)],
      },
      provenance: {
        method: "human",
        "matching-rationale": "semantic",
        status: "complete",
        "mapping-description": `Which Steward controls evidence which items of ${framework.name} ${framework.version}: ${mappings.length} pairs (${custom} custom, added or kept by this organisation with a rationale; the rest shipped with Steward). A control evidences part of an item, so each pair intersects with it.`,
      },
      mappings: [
        {
          uuid: uuid("mapping"),
          "source-resource": { type: "catalog", href: `#${library}` },
          "target-resource": { type: "catalog", href: `#${catalog}` },
          maps: mappings.length
            ? mappings.map((mapping) => ({
                uuid: uuid(`map:${mapping.controlId}:${mapping.itemId}`),
                relationship: "intersects-with",
                sources: [{ type: "control", "id-ref": toOscalToken(mapping.controlId), props: [prop("label", mapping.controlId)] }],
                targets: [{ type: "control", "id-ref": toOscalToken(mapping.itemId), props: [prop("label", mapping.itemId)] }],
                props: [prop("origin", mapping.origin)],
                ...(mapping.rationale.trim() ? { remarks: mapping.rationale.trim() } : {}),
              }))
            : [
                {
                  uuid: uuid("map:none"),
                  relationship: "no-relationship",
                  sources: [{ type: "control", "id-ref": "_none" }],
                  targets: [{ type: "control", "id-ref": "_none" }],
                  remarks: "No Steward control is mapped to this framework.",
                },
              ],
        },
      ],
      "back-matter": {
        resources: [
          { uuid: library, title: "Steward control library", description: "Steward's checkable controls, with their evidence queries.", rlinks: [{ href: "/api/v1/controls", "media-type": "application/json" }] },
          {
            uuid: catalog,
            title: `${framework.name} ${framework.version}`,
            description: `${framework.publisher || "The publisher"}'s catalog as loaded in Steward (revision ${framework.revision}, content SHA-256 ${framework.contentHash}).`,
            rlinks: [{ href: `/api/v1/frameworks/${encodeURIComponent(framework.id)}`, "media-type": "application/json" }],
          },
        ],
      },
    },
  };
}
