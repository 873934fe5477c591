import { beforeAll, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { suiteDatabase } from "@/testing/database";
import { controlMappings, frameworkItems, frameworks, removedDefaultMappings } from "@/db/schema";
import { listMappings } from "@/db/frameworks";
import { userContext } from "@/testing/context";
import { SHIPPED_CATALOGS } from "./catalogs";
import { CONTROL_LIBRARY } from "./control-library";
import { importFramework } from "./import-framework";
import { defaultMappingRows, loadShippedFrameworks } from "./load-catalogs";
import { catalogProvenanceLine, provenanceMarks } from "./provenance";
import { suiteEvidenceDatabase } from "@/testing/frameworks";
import { parseCsv } from "@/lib/csv";
import { createReport } from "../reports/create-report";
import { REPORT_CSV_COLUMNS } from "../reports/render-csv";
import { renderReport } from "../reports/render-report";

/**
 * Issue #20 §5: the default mappings an auditor would sign (a rationale per pair, the known
 * mistakes gone), provenance of ids and titles, and NIST CSF 2.0 down to its subcategories.
 */

const RMF = "nist-ai-rmf-1.0";
const MAESTRO = "csa-maestro";
const ZTA = "nist-sp-800-207";
const CSF = "nist-csf-2.0";

const catalog = (id: string) => SHIPPED_CATALOGS.find((doc) => doc.id === id)!;

describe("default mappings", () => {
  it("give every pair its own non-empty, one-line rationale", () => {
    const rows = defaultMappingRows();
    expect(rows.length).toBeGreaterThan(150);
    const bad = rows.filter((row) => row.rationale.trim().length < 20 || /\n/.test(row.rationale) || row.rationale.length > 200);
    expect(bad).toEqual([]);
    // A rationale speaks to its pair: no control reuses one sentence for all of its items.
    for (const control of CONTROL_LIBRARY) {
      const own = rows.filter((row) => row.controlId === control.id);
      if (own.length > 3) expect(new Set(own.map((row) => row.rationale)).size, control.id).toBeGreaterThan(own.length / 2);
    }
  });

  it("name only real items, and map NIST CSF 2.0 at the subcategory level", () => {
    const known = new Map(SHIPPED_CATALOGS.flatMap((doc) => doc.items.map((item) => [`${doc.id}/${item.id}`, item] as const)));
    const rows = defaultMappingRows();
    expect(rows.filter((row) => !known.has(`${row.frameworkId}/${row.itemId}`))).toEqual([]);
    const csf = rows.filter((row) => row.frameworkId === CSF);
    expect(csf.length).toBeGreaterThan(30);
    expect(csf.filter((row) => known.get(`${CSF}/${row.itemId}`)?.kind !== "subcategory")).toEqual([]);
    expect(csf).toContainEqual(expect.objectContaining({ controlId: "ctl-out-of-scope-denied", itemId: "PR.AA-05" }));
  });

  it("no longer claim what a control cannot evidence (the three mistakes the auditor found)", () => {
    const rows = defaultMappingRows();
    // 1. A policy document cannot evidence MEASURE or MANAGE evaluations; it used to claim 42 AI RMF items.
    const policy = rows.filter((row) => row.controlId === "ctl-ai-risk-policy" && row.frameworkId === RMF);
    expect(policy.filter((row) => /^(MEASURE|MANAGE)/.test(row.itemId))).toEqual([]);
    expect(policy.length).toBeLessThanOrEqual(12);
    expect(policy.every((row) => /^(GOVERN|MAP) /.test(row.itemId))).toBe(true);
    // 2. MAESTRO layer 6 threats are about AI agents used as security tools, not about governance: no
    //    governance control maps to layer 6, and only red-teaming (which attacks the agents themselves) maps to its threats.
    const layer6 = rows.filter((row) => row.frameworkId === MAESTRO && (row.itemId === "L6" || row.itemId.startsWith("L6-")));
    expect([...new Set(layer6.map((row) => row.controlId))]).toEqual(["ctl-adversarial-testing"]);
    expect(layer6.map((row) => row.itemId).sort()).toEqual(["L6-T01", "L6-T02", "L6-T03"]);
    for (const governance of ["ctl-ai-risk-policy", "ctl-ownership-attested", "ctl-policies-tested", "ctl-owner-backup", "ctl-incident-response"])
      expect(rows.filter((row) => row.controlId === governance && row.frameworkId === MAESTRO && row.itemId.startsWith("L6"))).toEqual([]);
    // 3. The audit chain says nothing about non-person-entity credentials in ZTA administration (SP 800-207 §5.7).
    expect(rows.filter((row) => row.controlId === "ctl-audit-chain" && row.itemId === "ZT-THREAT-5.7")).toEqual([]);
  });
});

describe("NIST CSF 2.0 catalog", () => {
  // From NIST's OSCAL catalog of CSF 2.0 (usnistgov/oscal-content, src/nist.gov/CSF/v2.0): 106 active
  // subcategories, GV 31, ID 21, PR 22, DE 11, RS 13, RC 8.
  const doc = catalog(CSF);
  const subcategories = doc.items.filter((item) => item.kind === "subcategory");

  it("holds the 106 active subcategories with NIST's ids under NIST's categories", () => {
    expect(subcategories).toHaveLength(106);
    const perFunction = Object.fromEntries(["GV", "ID", "PR", "DE", "RS", "RC"].map((fn) => [fn, subcategories.filter((item) => item.id.startsWith(`${fn}.`)).length]));
    expect(perFunction).toEqual({ GV: 31, ID: 21, PR: 22, DE: 11, RS: 13, RC: 8 });
    const categories = new Set(doc.items.filter((item) => item.kind === "category").map((item) => item.id));
    expect(categories.size).toBe(22);
    for (const item of subcategories) {
      expect(item.id).toMatch(/^[A-Z]{2}\.[A-Z]{2}-\d{2}$/);
      expect(item.parent).toBe(item.id.slice(0, 5));
      expect(categories.has(item.parent!)).toBe(true);
    }
    // CSF 1.1 subcategories that NIST withdrew (still in its OSCAL catalog) are not CSF 2.0 items.
    for (const withdrawn of ["ID.AM-06", "PR.DS-03", "PR.DS-08", "DE.CM-07", "RS.AN-01", "RC.CO-01"]) expect(doc.items.some((item) => item.id === withdrawn)).toBe(false);
  });

  it("uses NIST's outcome statements verbatim as subcategory titles", () => {
    const title = (id: string) => doc.items.find((item) => item.id === id)?.title;
    expect(title("PR.AA-05")).toBe(
      "Access permissions, entitlements, and authorizations are defined in a policy, managed, enforced, and reviewed, and incorporate the principles of least privilege and separation of duties",
    );
    expect(title("GV.OC-01")).toBe("The organizational mission is understood and informs cybersecurity risk management");
    expect(title("RS.AN-06")).toBe("Actions performed during an investigation are recorded, and the records' integrity and provenance are preserved");
    expect(subcategories.every((item) => item.title.length > 20 && !/\s{2}/.test(item.title))).toBe(true);
  });

  it("keeps NIST's 6 functions and 22 categories above them", () => {
    const upper = doc.items.filter((item) => item.kind !== "subcategory");
    expect(upper.map((item) => item.kind)).toEqual([...Array(6).fill("function"), ...Array(22).fill("category")]);
    expect(upper.find((item) => item.id === "PR.AA")?.title).toBe("Identity Management, Authentication, and Access Control");
    expect(upper.find((item) => item.id === "GV.SC")?.title).toBe("Cybersecurity Supply Chain Risk Management");
  });
});

describe("provenance of ids and titles", () => {
  it("is declared per catalog and differs per item only where it must", () => {
    expect(catalog(MAESTRO).provenance).toMatchObject({ ids: "steward", titles: "official" });
    expect(catalog(RMF).provenance).toMatchObject({ ids: "official", titles: "paraphrase" });
    expect(catalog(CSF).provenance).toMatchObject({ ids: "official", titles: "official" });
    expect(catalog(ZTA).provenance).toMatchObject({ ids: "steward" });
    const item = (doc: string, id: string) => catalog(doc).items.find((entry) => entry.id === id)!;
    expect(item(RMF, "GOVERN").titleOrigin).toBe("official");
    expect(item(RMF, "GOVERN 1.1").titleOrigin).toBeUndefined();
    expect(item(ZTA, "PDP").idOrigin).toBe("official");
    expect(item(ZTA, "ZT-TENET-1").titleOrigin).toBe("paraphrase");
    for (const doc of SHIPPED_CATALOGS) expect(doc.provenance.note.length, doc.id).toBeGreaterThan(30);
  });

  it("reads as words in the console and the exports", () => {
    expect(provenanceMarks("steward", "official")).toEqual(["Steward's own id (the publisher numbers none)"]);
    expect(provenanceMarks("official", "paraphrase")).toEqual(["title paraphrased by Steward"]);
    expect(provenanceMarks("official", "official")).toEqual([]);
    expect(provenanceMarks(undefined, undefined)).toEqual([]);
    expect(catalogProvenanceLine({ idOrigin: "steward", titleOrigin: "official" })).toBe("Ids: Steward's own id (the publisher numbers none). Titles: publisher's title.");
    expect(catalogProvenanceLine({})).toBe("");
  });
});

describe("stored catalogs and mappings", () => {
  const database = suiteDatabase();
  beforeAll(async () => {
    await loadShippedFrameworks(database.db);
  });

  it("store each pair's rationale and each item's provenance", async () => {
    const stored = await listMappings(database.db);
    const shipped = new Map(defaultMappingRows().map((row) => [`${row.controlId}/${row.frameworkId}/${row.itemId}`, row.rationale]));
    expect(stored).toHaveLength(shipped.size);
    for (const row of stored) expect(row.rationale).toBe(shipped.get(`${row.controlId}/${row.frameworkId}/${row.itemId}`));
    const [maestro] = await database.db.select().from(frameworks).where(eq(frameworks.id, MAESTRO));
    expect(maestro).toMatchObject({ idOrigin: "steward", titleOrigin: "official" });
    expect(maestro!.provenanceNote).toMatch(/no ids/);
    const item = async (frameworkId: string, itemId: string) =>
      (await database.db.select().from(frameworkItems).where(and(eq(frameworkItems.frameworkId, frameworkId), eq(frameworkItems.itemId, itemId))))[0];
    expect(await item(MAESTRO, "L6-T01")).toMatchObject({ idOrigin: "steward", titleOrigin: "official" });
    expect(await item(RMF, "MEASURE 2.7")).toMatchObject({ idOrigin: "official", titleOrigin: "paraphrase" });
    expect(await item(RMF, "MEASURE")).toMatchObject({ idOrigin: "official", titleOrigin: "official" });
    expect(await item(ZTA, "PEP")).toMatchObject({ idOrigin: "official" });
    expect(await item(ZTA, "ZT-THREAT-5.7")).toMatchObject({ idOrigin: "steward" });
    expect(await item(CSF, "PR.AA-05")).toMatchObject({ idOrigin: "official", titleOrigin: "official", parentId: "PR.AA", kind: "subcategory" });
  });

  it("takes an imported catalog's ids and titles as the publisher's unless it says otherwise", async () => {
    const document = { id: "example-provenance", name: "Example", shortName: "EX", version: "1", items: [{ id: "EX-1", title: "One" }] };
    await importFramework({ ctx: userContext("admin"), input: { format: "steward-json", document } });
    const [row] = await database.db.select().from(frameworks).where(eq(frameworks.id, "example-provenance"));
    expect(row).toMatchObject({ idOrigin: "official", titleOrigin: "official" });
  });

  it("bring an upgraded installation's stored defaults in line: withdrawn pairs gone, rationales rewritten, engineers' choices kept", async () => {
    const db = database.db;
    // The state a release before the review left behind: the withdrawn pairs, one control-wide
    // rationale, a CSF category mapping, and an engineer's custom mapping and removal.
    await db.insert(controlMappings).values([
      { controlId: "ctl-ai-risk-policy", frameworkId: RMF, itemId: "MEASURE 2.11", rationale: "Governance outcomes are organisational commitments.", origin: "default" },
      { controlId: "ctl-ownership-attested", frameworkId: MAESTRO, itemId: "L6-T04", rationale: "Periodic attestation catches agents whose owner changed.", origin: "default" },
      { controlId: "ctl-audit-chain", frameworkId: ZTA, itemId: "ZT-THREAT-5.7", rationale: "A tamper-evident record of governance changes.", origin: "default" },
      { controlId: "ctl-unique-identity", frameworkId: CSF, itemId: "PR.AA", rationale: "A shared identity makes actions unattributable.", origin: "default" },
      { controlId: "ctl-rate-limits", frameworkId: CSF, itemId: "GV.PO", rationale: "Our own reason for this mapping.", origin: "custom" },
    ]);
    await db
      .update(controlMappings)
      .set({ rationale: "An unowned agent is an orphaned identity nobody offboards." })
      .where(and(eq(controlMappings.controlId, "ctl-owner-backup"), eq(controlMappings.itemId, "NHI1:2025")));
    // An engineer had removed the delegation cap's default mapping to the CSF category PR.AA:
    // its new subcategory pairs stay out too.
    await db.delete(controlMappings).where(and(eq(controlMappings.controlId, "ctl-delegation-depth"), eq(controlMappings.frameworkId, CSF)));
    await db.insert(removedDefaultMappings).values({ controlId: "ctl-delegation-depth", frameworkId: CSF, itemId: "PR.AA" });

    const result = await loadShippedFrameworks(db);
    expect(result).toMatchObject({ catalogsWritten: 0, mappingsAdded: 0, rationalesUpdated: 1, mappingsWithdrawn: 4 });

    const stored = await listMappings(db);
    const find = (controlId: string, frameworkId: string, itemId: string) => stored.find((row) => row.controlId === controlId && row.frameworkId === frameworkId && row.itemId === itemId);
    expect(find("ctl-ai-risk-policy", RMF, "MEASURE 2.11")).toBeUndefined();
    expect(find("ctl-ownership-attested", MAESTRO, "L6-T04")).toBeUndefined();
    expect(find("ctl-audit-chain", ZTA, "ZT-THREAT-5.7")).toBeUndefined();
    expect(find("ctl-unique-identity", CSF, "PR.AA")).toBeUndefined();
    expect(find("ctl-unique-identity", CSF, "PR.AA-02")?.rationale).toBe("Each workload identity is bound to exactly one agent.");
    expect(find("ctl-owner-backup", "owasp-nhi-top10-2025", "NHI1:2025")?.rationale).toBe(
      "An agent with an active accountable owner has someone to offboard it; ownerless identities are the ones left behind.",
    );
    expect(find("ctl-rate-limits", CSF, "GV.PO")).toMatchObject({ origin: "custom", rationale: "Our own reason for this mapping." });
    expect(find("ctl-delegation-depth", CSF, "PR.AA-05")).toBeUndefined();
    // Idempotent afterwards.
    expect(await loadShippedFrameworks(db)).toEqual({ catalogsWritten: 0, mappingsAdded: 0, rationalesUpdated: 0, mappingsWithdrawn: 0 });
  });
});

describe("exports", () => {
  const { period } = suiteEvidenceDatabase();

  it("print every mapping's rationale and the provenance of ids and titles in HTML and CSV", async () => {
    const snapshot = await createReport({
      ctx: userContext("risk"),
      input: { frameworkIds: [MAESTRO, RMF, CSF], scope: { kind: "all" }, periodStart: period.start.toISOString(), periodEnd: period.end.toISOString() },
    });
    const html = renderReport(snapshot, "html").body;
    expect(html).toContain("Provenance: Ids: Steward&#39;s own id (the publisher numbers none). Titles: publisher&#39;s title.");
    expect(html).toMatch(/<strong>L6-T01<\/strong> Security Agent Data Poisoning <span class="meta">\(Steward&#39;s own id \(the publisher numbers none\)\)<\/span>/);
    expect(html).toMatch(/<strong>MEASURE 2\.7<\/strong> [^<]+ <span class="meta">\(title paraphrased by Steward\)<\/span>/);
    expect(html).toContain(`Why it maps: ${"Least privilege: permissions defined as the declared scope are enforced on every call.".replace(/'/g, "&#39;")}`);

    const rows = parseCsv(renderReport(snapshot, "csv").body);
    const column = (name: (typeof REPORT_CSV_COLUMNS)[number]) => REPORT_CSV_COLUMNS.indexOf(name);
    const row = (frameworkId: string, itemId: string) => rows.find((cells) => cells[0] === frameworkId && cells[2] === itemId)!;
    expect(row(CSF, "PR.AA-05")[column("mapping_rationales")]).toContain("ctl-out-of-scope-denied: Least privilege: permissions defined as the declared scope are enforced on every call.");
    expect(row(CSF, "PR.AA-05").slice(column("id_origin"), column("title_origin") + 1)).toEqual(["official", "official"]);
    expect(row(MAESTRO, "L7-T04").slice(column("id_origin"), column("title_origin") + 1)).toEqual(["steward", "official"]);
    expect(row(RMF, "GOVERN 1.6").slice(column("id_origin"), column("title_origin") + 1)).toEqual(["official", "paraphrase"]);
    // Every mapped item names each of its controls with a rationale.
    for (const cells of rows.slice(1)) {
      const controls = cells[column("controls")]!.split(";").filter(Boolean);
      const rationales = cells[column("mapping_rationales")]!.split(" | ").filter(Boolean);
      expect(rationales.length, `${cells[0]}/${cells[2]}`).toBe(controls.length);
      for (const rationale of rationales) expect(rationale).toMatch(/^ctl-[a-z-]+: .{20,}$/);
    }
  });
});
