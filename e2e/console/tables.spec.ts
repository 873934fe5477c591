import { expect, test } from "@playwright/test";
import { adminSession, apiTokenFor } from "../fixtures/auth";

/**
 * Every console page that renders its data through the shared DataTable shows it to an admin: the
 * table (found by its caption or column headers), with the rows this test created in it. The policy
 * studio's tables are checked in e2e/policies/policy-studio.spec.ts.
 */
test("an admin sees every data table of the console with its rows", async ({ browser }) => {
  test.setTimeout(180_000);
  const { page, context } = await adminSession(browser);
  const suffix = Date.now().toString(36);
  const agentName = `tables-${suffix}`;

  const person = await page.request.post("/api/v1/people", { data: { name: `Tara Tables ${suffix}`, email: `tara-${suffix}@example.test` } });
  expect(person.status(), await person.text()).toBe(201);
  const registered = await page.request.post("/api/v1/enforcement-points", { data: { name: `gw-${agentName}`, kind: "mcp-gateway" } });
  expect(registered.status(), await registered.text()).toBe(201);
  const { token, enforcementPoint } = (await registered.json()) as { token: string; enforcementPoint: { id: string } };
  const ingested = await page.request.post("/api/v1/decisions", {
    headers: { authorization: `Bearer ${token}` },
    data: [
      { id: `d-${suffix}`, time: new Date().toISOString(), agent: { id: agentName }, action: { name: "tables.read" }, resource: { type: "sheet", id: "s-1" }, outcome: "allow" },
      { id: `q-${suffix}`, time: "not a time", agent: { id: agentName }, action: { name: "tables.read" }, resource: { type: "sheet", id: "s-1" }, outcome: "allow" },
    ],
  });
  const ingestedBody = (await ingested.json()) as { accepted: number; quarantined: unknown[] };
  expect(ingestedBody.accepted, JSON.stringify(ingestedBody)).toBe(1);
  expect(ingestedBody.quarantined).toHaveLength(1);
  const tokenName = `tables-token-${suffix}`;
  await apiTokenFor(context, tokenName);

  await page.goto("/enforcement-points");
  await expect(page.getByRole("table", { name: "Registered enforcement points" }).getByRole("rowheader", { name: new RegExp(`gw-${agentName}`) })).toBeVisible();

  await page.goto(`/agents?q=${agentName}`);
  const agents = page.getByRole("table", { name: "Agents" });
  await expect(agents.getByRole("columnheader").getByRole("checkbox", { name: "Select all agents on this page" })).toBeVisible();
  await expect(agents.getByRole("row").filter({ hasText: agentName })).toContainText("No owner");
  await agents.getByRole("link", { name: agentName }).click();
  await expect(page.getByRole("heading", { level: 1, name: agentName })).toBeVisible();
  await expect(page.getByRole("table", { name: "Actions used" }).getByRole("row").filter({ hasText: "tables.read" })).toContainText("Out of scope");
  await expect(page.getByRole("table", { name: "Recent decisions" }).getByRole("row").filter({ hasText: "tables.read" })).toContainText("allow");

  await page.goto("/agents/findings");
  await page.getByRole("button", { name: "Refresh findings now" }).click();
  await expect(page.getByText("Findings refreshed.")).toBeVisible();
  await expect(page.getByRole("table", { name: "Open findings per day and kind" }).getByRole("rowheader", { name: new Date().toISOString().slice(0, 10) })).toBeVisible();
  await expect(page.getByRole("table", { name: "Findings" }).getByRole("row").filter({ hasText: agentName }).first()).toBeVisible();
  // A campaign this test starts, so the Campaigns table must show it (an empty state would fail here).
  const campaignName = `Tables campaign ${suffix}`;
  const startCampaign = page.getByRole("form", { name: "Start an attestation campaign" });
  await startCampaign.getByLabel("Name").fill(campaignName);
  await startCampaign.getByRole("button", { name: "Start campaign" }).click();
  await startCampaign.getByRole("group", { name: "Confirm" }).getByRole("button", { name: "Confirm" }).click();
  await expect(startCampaign.getByText("Campaign started.")).toBeVisible();
  await expect(page.getByRole("table", { name: "Campaigns" }).getByRole("row").filter({ hasText: campaignName })).toBeVisible();

  await page.goto(`/agents/people?q=${suffix}`);
  await expect(page.getByRole("table", { name: "People" }).getByRole("row").filter({ hasText: `tara-${suffix}@example.test` })).toContainText("Active");

  await page.goto("/agents/import");
  const importPeople = page.getByRole("region", { name: "Import people" });
  await importPeople.getByLabel("…or paste it").fill(`name,email,team,external_id,active\nPreview Person ${suffix},preview-${suffix}@example.test,,,true\n`);
  await importPeople.getByRole("button", { name: "Preview" }).click();
  await expect(importPeople.getByRole("table", { name: "Preview" }).getByRole("row").filter({ hasText: `preview-${suffix}@example.test` })).toBeVisible();

  await page.goto(`/audit?action=enforcement_point.register&entity=${enforcementPoint.id}`);
  await expect(page.getByRole("columnheader", { name: "Before → after" })).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: enforcementPoint.id })).toContainText("enforcement_point.register");

  await page.goto("/settings");
  await expect(page.getByRole("columnheader", { name: "Prefix" })).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: tokenName })).toContainText("active");

  await page.goto("/decisions/quarantine");
  await expect(page.getByRole("table", { name: "Newest quarantined items first" }).getByRole("row").filter({ hasText: `q-${suffix}` })).toBeVisible();

  // A report this test creates, so the Report snapshots table must list it.
  const reportTitle = `Tables report ${suffix}`;
  const report = await page.request.post("/api/v1/reports", { data: { title: reportTitle, frameworkIds: ["owasp-agentic-top10-2026"], periodStart: new Date(Date.now() - 7 * 86_400_000).toISOString(), periodEnd: new Date().toISOString() } });
  expect(report.status(), await report.text()).toBe(201);
  await page.goto("/reports");
  await expect(page.getByRole("table", { name: "Report snapshots" }).getByRole("row").filter({ hasText: reportTitle })).toBeVisible();

  await page.goto("/frameworks/owasp-agentic-top10-2026/crosswalk");
  await expect(page.getByRole("columnheader", { name: "Related items (through shared controls)" })).toBeVisible();
  await expect(page.getByRole("rowheader", { name: /ASI02/ })).toBeVisible();

  await page.goto("/people");
  await expect(page.getByTestId("user-admin@steward.test")).toContainText("Administrator");

  await context.close();
});
