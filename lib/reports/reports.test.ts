import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { openTestDatabase } from "@/testing/database";
import { auditLog, reportSnapshots } from "@/db/schema";
import { getReportSnapshotOrThrow } from "@/db/frameworks";
import assessmentResultsSchema from "../frameworks/fixtures/oscal_assessment-results_schema.json";
import { createOscalAjv } from "../frameworks/oscal-validator";
import { openEvidenceTestDatabase } from "@/testing/frameworks";
import { userContext } from "@/testing/context";
import { createReport, reportHash } from "./create-report";
import { parseCsv } from "@/lib/csv";
import { isOscalToken } from "./oscal-ids";
import { REPORT_CSV_COLUMNS } from "./render-csv";
import { renderReport } from "./render-report";
import type { ReportContent } from "./report-content";

let database: Awaited<ReturnType<typeof openTestDatabase>>;
let period: { start: Date; end: Date };
const ALL_FRAMEWORKS = [
  "owasp-agentic-top10-2026",
  "owasp-agentic-threats-mitigations",
  "owasp-nhi-top10-2025",
  "csa-maestro",
  "nist-ai-rmf-1.0",
  "nist-sp-800-207",
  "nist-csf-2.0",
];

beforeAll(async () => {
  ({ database, period } = await openEvidenceTestDatabase());
});
afterAll(async () => {
  await database?.close();
});

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
    expect(JSON.stringify(oscal)).not.toMatch(/"uuid":"[0-9a-f]{8}-[0-9a-f]{4}-[^4]/);
    results[2]!.findings[0]!.target["target-id"] = "NHI1:2025";
    expect(validate(oscal)).toBe(false);
    expect(renderReport(snapshot, "oscal").body).toBe(renderReport(await getReportSnapshotOrThrow(database.db, snapshot.id), "oscal").body);
  });

  it("round-trips the CSV: one row per item with the snapshot's statuses", async () => {
    const snapshot = await reportOverEverything();
    const content = snapshot.content as ReportContent;
    const rows = parseCsv(renderReport(snapshot, "csv").body);
    expect(rows[0]).toEqual([...REPORT_CSV_COLUMNS]);
    const expected = content.frameworks.flatMap((framework) => framework.items.map((item) => [framework.framework.id, item.itemId, item.title, item.status, item.controls.map((c) => `${c.controlId}=${c.status}`).join(";")]));
    expect(rows.slice(1).map((row) => [row[0], row[2], row[4], row[5], row[7]])).toEqual(expected);
    expect(rows.length - 1).toBe(10 + 17 + 10 + 63 + 95 + 37 + 28);
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
