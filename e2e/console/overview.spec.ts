import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { randomUUID } from "node:crypto";
import { adminSession } from "../fixtures/auth";
import { postDecisions, unique } from "../fixtures/ingest";

/** A full-page screenshot kept in the test's output folder (test-results/…) and attached to the report. */
async function attachScreenshot(page: Page, testInfo: TestInfo, name: string) {
  const path = testInfo.outputPath(name);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: "image/png" });
}

/** The number a Stat link shows in a group ("Last hour", …), by its label. */
async function statValue(page: Page, group: string, label: string): Promise<number> {
  const link = page.getByRole("group", { name: group }).getByRole("link", { name: new RegExp(`^[\\d,.%—]+ ${label}$`) });
  const name = (await link.getAttribute("aria-label"))!;
  return Number(name.split(" ")[0]!.replace(/,/g, ""));
}

test("the Overview counts what was just reported, links each number to its filtered list, and has a table behind each chart", async ({ browser }, testInfo) => {
  const { context, page } = await adminSession(browser);
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
  const denyBefore = await statValue(page, "Last hour", "deny");
  const allowBefore = await statValue(page, "Last hour", "allow");
  const totalBefore = await statValue(page, "Last hour", "decisions");

  // An enforcement point reports two denies and one allow for a new agent.
  const epName = unique("overview-gw");
  const registered = await context.request.post("/api/v1/enforcement-points", { data: { name: epName, kind: "mcp-gateway" } });
  expect(registered.status(), await registered.text()).toBe(201);
  const { token } = (await registered.json()) as { token: string };
  const agentRef = unique("overview-agent");
  const action = unique("tool.overview_call");
  const decision = (outcome: string, secondsAgo: number) => ({
    id: randomUUID(),
    time: new Date(Date.now() - secondsAgo * 1000).toISOString(),
    agent: { id: agentRef },
    action: { name: action },
    resource: { type: "doc", id: "d-1" },
    outcome,
  });
  expect(await postDecisions(token, [decision("deny", 30), decision("deny", 20), decision("allow", 10)])).toMatchObject({ accepted: 3 });

  await page.goto("/");
  expect(await statValue(page, "Last hour", "deny")).toBe(denyBefore + 2);
  expect(await statValue(page, "Last hour", "allow")).toBe(allowBefore + 1);
  expect(await statValue(page, "Last hour", "decisions")).toBe(totalBefore + 3);

  // The enforcement point's health row names it and links to its decisions.
  const epRow = page.getByRole("region", { name: "Enforcement points", exact: true }).getByRole("row").filter({ hasText: epName });
  await expect(epRow).toContainText(/s ago|min ago/);

  // The decisions chart has its numbers as a table: the last row's deny column includes the two just sent.
  const decisionsSection = page.getByRole("region", { name: "Decisions", exact: true });
  await decisionsSection.getByText("Show the numbers").click();
  const table = decisionsSection.getByRole("table").filter({ has: page.getByRole("columnheader", { name: "From (UTC)" }) });
  await expect(table).toBeVisible();
  const headers = await table.getByRole("columnheader").allTextContents();
  const denyColumn = headers.indexOf("deny");
  expect(denyColumn).toBeGreaterThan(0);
  const totalDenies = Number((await table.locator("tfoot td").nth(denyColumn - 1).textContent())!.replace(/,/g, ""));
  expect(totalDenies).toBeGreaterThanOrEqual(2);

  // Every headline number opens the list behind it, filtered.
  await page.getByRole("group", { name: "Last hour" }).getByRole("link", { name: /^[\d,]+ deny$/ }).click();
  await expect(page).toHaveURL(/\/decisions\/explore\?outcome=deny&from=.+&to=.+/);
  await expect(page.getByRole("row").filter({ hasText: action })).toHaveCount(2);
  await page.goto("/");
  await page.getByRole("link", { name: /^[\d,]+ without an owner$/ }).click();
  await expect(page).toHaveURL(/\/agents\?ownerId=none$/);
  await page.goto("/");
  const discovered = await page.getByRole("link", { name: /^[\d,]+ discovered \(shadow\)$/ }).getAttribute("aria-label");
  expect(Number(discovered!.split(" ")[0])).toBeGreaterThanOrEqual(1);
  await page.getByRole("link", { name: /^[\d,]+ discovered \(shadow\)$/ }).click();
  await expect(page).toHaveURL(/\/agents\?status=discovered$/);

  // The agent's own page has its activity section (charts once the activity rollup has run, a note until then).
  await page.goto(`/agents?status=discovered&q=${agentRef}`);
  await page.getByRole("link", { name: agentRef }).first().click();
  await expect(page.getByRole("heading", { name: "Activity over time" })).toBeVisible();

  // Quick ranges change the chart's window.
  await page.goto("/");
  await page.getByRole("navigation", { name: "Chart range" }).getByRole("link", { name: "15 min" }).click();
  await expect(page).toHaveURL(/\?range=15m$/);
  await expect(page.getByRole("figure", { name: /Decisions per minute by outcome, last 15 min/ })).toBeVisible();

  // Light and dark, kept as artifacts; no horizontal scroll at 390 px.
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto("/");
    await expect(page.locator(".recharts-surface").first()).toBeVisible();
    await attachScreenshot(page, testInfo, `overview-${colorScheme}.png`);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto("/");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, "horizontal scroll at 390 px").toBeLessThanOrEqual(0);
    await attachScreenshot(page, testInfo, `overview-${colorScheme}-390.png`);
  }
  await context.close();
});

test("the explorer's chart offers quick ranges and keeps the filters", async ({ browser }) => {
  const { context, page } = await adminSession(browser);
  await page.goto("/decisions/explore?outcome=deny");
  await page.getByRole("navigation", { name: "Time range" }).getByRole("link", { name: "Last 1 h" }).click();
  await expect(page).toHaveURL(/outcome=deny&from=.+&to=.+/);
  const url = new URL(page.url());
  expect(Date.parse(url.searchParams.get("to")!) - Date.parse(url.searchParams.get("from")!)).toBe(3_600_000);
  await expect(page.getByRole("figure", { name: /Decisions over time by outcome/ })).toBeVisible();
  await page.getByRole("figure", { name: /Decisions over time by outcome/ }).getByText("Show the numbers").click();
  await expect(page.getByRole("columnheader", { name: "From (UTC)" })).toBeVisible();
  await context.close();
});
