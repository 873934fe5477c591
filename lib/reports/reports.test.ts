import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { reportAnchorsFileFor } from "@/db/client";
import { verifyReport } from "./report-anchors";
import { auditLog, reportSnapshots } from "@/db/schema";
import { getReportSnapshotOrThrow } from "@/db/frameworks";
import assessmentResultsSchema from "../frameworks/fixtures/oscal_assessment-results_schema.json";
import { createOscalAjv } from "../frameworks/oscal-validator";
import { suiteEvidenceDatabase } from "@/testing/frameworks";
import { userContext } from "@/testing/context";
import { createReport, reportHash } from "./create-report";
import { parseCsv } from "@/lib/csv";
import { isOscalToken, uuidV5 } from "./oscal-ids";
import { downloadControlEvidence } from "./read-reports";
import { setItemApplicability } from "../frameworks/set-item-applicability";
import { REPORT_CSV_COLUMNS } from "./render-csv";
import { renderReport } from "./render-report";
import type { ReportContent } from "./report-content";

const { database, period } = suiteEvidenceDatabase();
const ALL_FRAMEWORKS = [
  "owasp-agentic-top10-2026",
  "owasp-agentic-threats-mitigations",
  "owasp-nhi-top10-2025",
  "csa-maestro",
  "nist-ai-rmf-1.0",
  "nist-sp-800-207",
  "nist-csf-2.0",
];

async function reportOverEverything() {
  return createReport({ ctx: userContext("risk"), input: { title: "Quarterly alignment", frameworkIds: ALL_FRAMEWORKS, scope: { kind: "all" }, periodStart: period.start.toISOString(), periodEnd: period.end.toISOString() } });
}

describe("report snapshots", () => {
  it("lets a risk officer create a hashed, audited snapshot", async () => {
    const ctx = userContext("risk");
    const snapshot = await createReport({ ctx, input: { frameworkIds: ["owasp-agentic-top10-2026"], scope: { kind: "team", teamId: "team_pay" }, periodStart: period.start, periodEnd: period.end } });
    const content = snapshot.content as ReportContent;
    expect(snapshot.sha256).toBe(reportHash(content));
    expect(content).toMatchObject({ scopeLabel: "Team Payments", agentsInScope: 1, decisionsInPeriod: 4, generatedBy: ctx.actor.type === "user" ? ctx.actor.email : "" });
    const control = (id: string) => content.controls.find((result) => result.controlId === id)!;
    expect(control("ctl-policies-tested")).toMatchObject({ status: "unknown", summary: "Not measurable: no policy published yet." });
    expect(control("ctl-ownership-attested")).toMatchObject({ status: "fail", measures: { ownedAgents: 1, attestedWithinInterval: 0 }, failingAgents: [{ agentId: "agt_good", detail: "never attested" }] });
    const stored = await getReportSnapshotOrThrow(database.db, snapshot.id);
    expect(reportHash(stored.content as ReportContent)).toBe(stored.sha256);
    const [audit] = await database.db.select().from(auditLog).where(eq(auditLog.entityId, snapshot.id));
    expect(audit).toMatchObject({ action: "report.create", entityType: "report" });
  });

  it("refuses viewers and names bad input", async () => {
    await expect(createReport({ ctx: userContext("viewer"), input: { frameworkIds: ["csa-maestro"], periodStart: period.start, periodEnd: period.end } })).rejects.toMatchObject({ code: "forbidden" });
    await expect(createReport({ ctx: userContext("risk"), input: { frameworkIds: ["csa-maestro"], periodStart: period.end, periodEnd: period.start } })).rejects.toMatchObject({
      code: "invalid_input",
      path: "periodEnd",
      message: "The period must end after it starts",
    });
    await expect(createReport({ ctx: userContext("risk"), input: { frameworkIds: [], periodStart: period.start, periodEnd: period.end } })).rejects.toMatchObject({
      issues: [expect.objectContaining({ path: ["frameworkIds"], message: "pick at least one framework" })],
    });
    await expect(createReport({ ctx: userContext("risk"), input: { frameworkIds: ["nope"], periodStart: period.start, periodEnd: period.end } })).rejects.toMatchObject({ code: "not_found", path: "frameworkId" });
  });

  it("cannot be changed or deleted once stored", async () => {
    const snapshot = await reportOverEverything();
    // The immutability trigger refuses both, by name (drizzle wraps the driver's error as `cause`).
    const refusal = async (query: Promise<unknown>) => {
      const error = (await query.then(
        () => null,
        (caught: unknown) => caught,
      )) as { code?: string; message?: string; cause?: { code?: string; message?: string } } | null;
      return { code: error?.cause?.code ?? error?.code, message: error?.cause?.message ?? error?.message };
    };
    expect(await refusal(database.db.execute(sql`update report_snapshots set title = 'edited' where id = ${snapshot.id}`))).toEqual({ code: "42501", message: "report snapshots are immutable (UPDATE refused)" });
    expect(await refusal(database.db.execute(sql`delete from report_snapshots where id = ${snapshot.id}`))).toEqual({ code: "42501", message: "report snapshots are immutable (DELETE refused)" });
    const [row] = await database.db.select().from(reportSnapshots).where(eq(reportSnapshots.id, snapshot.id));
    expect(row?.title).toBe("Quarterly alignment");
  });
});

describe("anchoring outside the database", () => {
  it("verifies an untouched report, and detects a stored report altered later — even with its hash column rewritten to match", async () => {
    const snapshot = await reportOverEverything();
    const ctx = userContext("viewer");
    const fresh = await verifyReport({ ctx, reportId: snapshot.id });
    expect(fresh).toMatchObject({ verified: true, sha256: snapshot.sha256, anchor: { reportId: snapshot.id, sha256: snapshot.sha256 } });
    expect(fresh.anchor?.auditHead).toEqual((snapshot.content as ReportContent).auditHead);
    expect(fresh.checks.map((check) => [check.check, check.ok])).toEqual([["content_hash", true], ["anchor", true], ["anchored_hash", true], ["audit_head", true]]);
    // The anchor lives outside the database, in the file beside the audit checkpoint.
    const anchors = readFileSync(reportAnchorsFileFor(database.auditCheckpointFile!), "utf8");
    expect(anchors).toContain(snapshot.sha256);

    // Someone with database access lifts a failing status to pass, then rewrites the hash column to match.
    const tampered = structuredClone(snapshot.content) as ReportContent;
    const control = tampered.controls.find((result) => result.controlId === "ctl-retired-agents-silent")!;
    expect(control.status).toBe("fail");
    control.status = "pass";
    await database.db.execute(sql`alter table report_snapshots disable trigger report_snapshots_immutable`);
    try {
      await database.db.execute(sql`update report_snapshots set content = ${JSON.stringify(tampered)}::jsonb where id = ${snapshot.id}`);
      const contentOnly = await verifyReport({ ctx, reportId: snapshot.id });
      expect(contentOnly.verified).toBe(false);
      expect(contentOnly.checks.find((check) => check.check === "content_hash")).toMatchObject({ ok: false });
      await database.db.execute(sql`update report_snapshots set sha256 = ${reportHash(tampered)} where id = ${snapshot.id}`);
    } finally {
      await database.db.execute(sql`alter table report_snapshots enable trigger report_snapshots_immutable`);
    }
    const rewritten = await verifyReport({ ctx, reportId: snapshot.id });
    expect(rewritten.checks.find((check) => check.check === "content_hash")).toMatchObject({ ok: true }); // self-consistent in the database…
    expect(rewritten.verified).toBe(false); // …but not against the anchor
    expect(rewritten.checks.find((check) => check.check === "anchored_hash")).toMatchObject({ ok: false, detail: expect.stringContaining("altered after it was made") });
  });

  it("does not verify a report without an anchor, or with an anchor not signed by this installation", async () => {
    const snapshot = await reportOverEverything();
    const file = reportAnchorsFileFor(database.auditCheckpointFile!);
    const kept = readFileSync(file, "utf8");
    try {
      writeFileSync(file, kept.split("\n").filter((line) => !line.includes(snapshot.id)).join("\n"));
      expect(await verifyReport({ ctx: userContext("risk"), reportId: snapshot.id })).toMatchObject({ verified: false, checks: expect.arrayContaining([expect.objectContaining({ check: "anchor", ok: false })]) });
      const forged = kept
        .split("\n")
        .filter((line) => line.includes(snapshot.id))
        .map((line) => JSON.stringify({ ...JSON.parse(line), mac: "0".repeat(64) }));
      writeFileSync(file, forged.join("\n") + "\n");
      const verdict = await verifyReport({ ctx: userContext("risk"), reportId: snapshot.id });
      expect(verdict.verified).toBe(false);
      expect(verdict.checks.find((check) => check.check === "anchor")?.detail).toContain("not signed");
    } finally {
      writeFileSync(file, kept);
    }
    await expect(verifyReport({ ctx: userContext("risk"), reportId: "rpt_missing" })).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("export formats", () => {
  it("exports OSCAL 1.2.2 assessment results that validate against the schema", async () => {
    const snapshot = await reportOverEverything();
    const oscal = JSON.parse(renderReport(snapshot, "oscal").body);
    const validate = createOscalAjv().compile(assessmentResultsSchema);
    const valid = validate(oscal);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    const results = oscal["assessment-results"].results as { findings: { target: { "target-id": string }; props: { name: string; value: string }[] }[] }[];
    expect(oscal["assessment-results"].metadata["oscal-version"]).toBe("1.2.2");
    expect(results).toHaveLength(ALL_FRAMEWORKS.length);
    const nhi = results[2]!.findings;
    expect(nhi.map((finding) => finding.target["target-id"])).toContain("nhi1-2025");
    expect(nhi[0]!.props).toContainEqual(expect.objectContaining({ name: "label", value: "NHI1:2025" }));
    const rmfTargets = results[4]!.findings.map((finding) => finding.target["target-id"]);
    expect(rmfTargets).toContain("govern-1.1");
    expect(rmfTargets.every(isOscalToken)).toBe(true);
    // Random (v4) or name-based (v5, derived from the document's uuid) identifiers only.
    expect(JSON.stringify(oscal)).not.toMatch(/"uuid":"[0-9a-f]{8}-[0-9a-f]{4}-[^45]/);
    results[2]!.findings[0]!.target["target-id"] = "NHI1:2025";
    expect(validate(oscal)).toBe(false);
    expect(renderReport(snapshot, "oscal").body).toBe(renderReport(await getReportSnapshotOrThrow(database.db, snapshot.id), "oscal").body);
  });

  it("OSCAL defines every party, actor, subject and resource it references; evidence hashes match the downloads; not applicable is not satisfied", async () => {
    await setItemApplicability({ ctx: userContext("security"), input: { frameworkId: "owasp-agentic-top10-2026", itemId: "ASI10", notApplicableReason: "No agent here can act as a rogue peer: single-agent deployment." } });
    const snapshot = await reportOverEverything();
    const oscal = JSON.parse(renderReport(snapshot, "oscal").body);
    const validate = createOscalAjv().compile(assessmentResultsSchema);
    expect(validate(oscal), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const ar = oscal["assessment-results"];

    // Everything that defines a uuid, and everything that refers to one.
    const defined = new Set<string>();
    const referenced: string[] = [];
    const walk = (node: unknown, key = "") => {
      if (Array.isArray(node)) return node.forEach((child) => walk(child, key));
      if (node && typeof node === "object") {
        for (const [name, value] of Object.entries(node)) {
          if (name === "uuid" && typeof value === "string") defined.add(value);
          else if (/-uuid$/.test(name) && typeof value === "string") referenced.push(value);
          else if (name === "party-uuids") referenced.push(...(value as string[]));
          else if (name === "href" && typeof value === "string" && value.startsWith("#")) referenced.push(value.slice(1));
          else walk(value, name);
        }
      }
    };
    walk(ar);
    expect(referenced.length).toBeGreaterThan(100);
    expect(referenced.filter((uuid) => !defined.has(uuid))).toEqual([]);

    // The assessor is a party with the assessor role; the tool is a component of the result's assessment assets.
    expect(ar.metadata.parties).toEqual([expect.objectContaining({ type: "person", name: (snapshot.content as ReportContent).generatedBy })]);
    const result = ar.results[0];
    const toolUuid = result["local-definitions"]["assessment-assets"].components[0].uuid;
    const observation = result.observations.find((entry: { props: { name: string; value: string }[] }) => entry.props.some((p) => p.name === "control-id" && p.value === "ctl-out-of-scope-denied"));
    expect(observation.origins[0].actors).toEqual([
      expect.objectContaining({ type: "tool", "actor-uuid": toolUuid }),
      { type: "party", "actor-uuid": ar.metadata.parties[0].uuid, "role-id": "assessor" },
    ]);
    // Agents are inventory items; the failing ones are the observation's subjects.
    const items = result["local-definitions"]["inventory-items"] as { uuid: string; props: { name: string; value: string }[] }[];
    expect(items.map((item) => item.props.find((p) => p.name === "agent-id")?.value).sort()).toEqual(["agt_bad", "agt_good", "agt_retired", "agt_shadow"]);
    const components = result["local-definitions"].components as { props: { name: string; value: string }[] }[];
    expect(components.map((component) => component.props.find((p) => p.name === "enforcement-point-id")?.value).sort()).toEqual(["ep_dev", "ep_prod"]);
    const retired = ar.results[0].observations.find((entry: { props: { name: string; value: string }[] }) => entry.props.some((p) => p.name === "control-id" && p.value === "ctl-retired-agents-silent"));
    const retiredItem = items.find((item) => item.props.some((p) => p.name === "agent-id" && p.value === "agt_retired"))!;
    expect(retired.subjects).toEqual([expect.objectContaining({ "subject-uuid": retiredItem.uuid, type: "inventory-item" })]);

    // relevant-evidence → back-matter resource → the export download, whose bytes hash to the stated SHA-256.
    const resources = new Map((ar["back-matter"].resources as { uuid: string }[]).map((resource) => [resource.uuid, resource as Record<string, unknown>]));
    const evidenceRef = retired["relevant-evidence"][0];
    const resource = resources.get(evidenceRef.href.slice(1))! as { rlinks: { href: string; hashes: { algorithm: string; value: string }[] }[] };
    expect(resource.rlinks[0]!.href).toBe(`/api/v1/reports/${snapshot.id}/evidence/ctl-retired-agents-silent`);
    const download = await downloadControlEvidence({ ctx: userContext("risk"), reportId: snapshot.id, controlId: "ctl-retired-agents-silent" });
    const digest = createHash("sha256").update(download.body).digest("hex");
    expect(resource.rlinks[0]!.hashes).toEqual([{ algorithm: "SHA-256", value: digest }]);
    expect(evidenceRef.props).toContainEqual(expect.objectContaining({ name: "sha256", value: digest }));
    const exported = JSON.parse(download.body);
    expect(exported).toMatchObject({ controlId: "ctl-retired-agents-silent", status: "fail", failingAgents: [expect.objectContaining({ agentId: "agt_retired" })] });
    expect(exported.decisions).toEqual([expect.objectContaining({ decisionId: "dec_8", agentId: "agt_retired", outcome: "allow", contentHash: "hash_8" })]);
    await expect(downloadControlEvidence({ ctx: userContext("viewer"), reportId: snapshot.id, controlId: "ctl-retired-agents-silent" })).rejects.toMatchObject({ code: "forbidden" });
    await expect(downloadControlEvidence({ ctx: userContext("risk"), reportId: snapshot.id, controlId: "toString" })).rejects.toMatchObject({ code: "not_found" });

    // import-ap resolves to the embedded plan: the report's scope, period and method.
    const plan = resources.get(ar["import-ap"].href.slice(1)) as { base64: { value: string } };
    expect(JSON.parse(Buffer.from(plan.base64.value, "base64").toString("utf8"))).toMatchObject({ reportId: snapshot.id, period: (snapshot.content as ReportContent).period, method: { statements: expect.any(Array) } });

    // Not applicable: excluded from the reviewed controls with its reason, and no "satisfied" finding.
    const asi = ar.results[0];
    expect(asi["reviewed-controls"]["control-selections"][0]["exclude-controls"]).toEqual([{ "control-id": "asi10" }]);
    expect(asi["reviewed-controls"]["control-selections"][0].remarks).toContain("single-agent deployment");
    expect(asi.findings.map((finding: { target: { "target-id": string } }) => finding.target["target-id"])).not.toContain("asi10");
    await setItemApplicability({ ctx: userContext("security"), input: { frameworkId: "owasp-agentic-top10-2026", itemId: "ASI10", notApplicableReason: null } });
  });

  it("derives name-based UUIDs as RFC 9562 specifies (its DNS-namespace vector)", () => {
    expect(uuidV5("www.example.com", "6ba7b810-9dad-11d1-80b4-00c04fd430c8")).toBe("2ed6657d-e927-568b-95e1-2665a8aea6a2");
  });

  it("round-trips the CSV: one row per item with the snapshot's statuses", async () => {
    const snapshot = await reportOverEverything();
    const content = snapshot.content as ReportContent;
    const rows = parseCsv(renderReport(snapshot, "csv").body);
    expect(rows[0]).toEqual([...REPORT_CSV_COLUMNS]);
    const expected = content.frameworks.flatMap((framework) => framework.items.map((item) => [framework.framework.id, item.itemId, item.title, item.status, item.controls.map((c) => `${c.controlId}=${c.status}`).join(";")]));
    expect(rows.slice(1).map((row) => [row[0], row[2], row[4], row[5], row[7]])).toEqual(expected);
    expect(rows.length - 1).toBe(10 + 17 + 10 + 63 + 95 + 37 + 134);
  });

  it("renders printable HTML with summary, chart and escaped evidence, and JSON with the hash", async () => {
    const snapshot = await reportOverEverything();
    const html = renderReport(snapshot, "html");
    expect(html.contentType).toMatch(/^text\/html/);
    expect(html.body).toContain("<h2>Executive summary</h2>");
    expect(html.body).toContain("@media print");
    expect(html.body).toMatch(/<svg [^>]*aria-label="Coverage by framework"/);
    expect(html.body).toContain(snapshot.sha256);
    expect(html.body).toContain("Memory &amp; Context Poisoning");
    const json = JSON.parse(renderReport(snapshot, "json").body);
    expect(json).toMatchObject({ id: snapshot.id, sha256: snapshot.sha256 });
    expect(reportHash(json.content)).toBe(snapshot.sha256);
  });
});
