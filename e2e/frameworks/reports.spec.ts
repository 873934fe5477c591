import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { newUserSession } from "../fixtures/auth";

const FORMATS = [
  { link: "Printable HTML", file: /\.html$/, check: (body: string) => expect(body).toContain("Executive summary") },
  { link: "CSV", file: /\.csv$/, check: (body: string) => expect(body.split("\r\n")[0]).toBe("framework_id,framework_version,item_id,parent_id,title,status,not_applicable_reason,controls,policies,evidence,failing_agents,rules,custom_mappings,sample_decisions,period_start,period_end,period_last_day,mapping_rationales,id_origin,title_origin") },
  { link: "JSON", file: /\.json$/, check: (body: string) => expect(JSON.parse(body).sha256).toMatch(/^[0-9a-f]{64}$/) },
  {
    link: "OSCAL assessment results",
    file: /\.oscal-ar\.json$/,
    check: (body: string) => {
      const document = JSON.parse(body)["assessment-results"];
      expect(document.metadata["oscal-version"]).toBe("1.2.2");
      expect(document.results.length).toBeGreaterThan(0);
    },
  },
];

test("a risk officer creates a report snapshot in the browser and downloads every format", async ({ browser }) => {
  test.setTimeout(120_000);
  const { page, context } = await newUserSession(browser, "risk");
  await page.goto("/reports");
  const form = page.getByRole("form", { name: "Create a report" });
  const title = `Board pack ${Date.now()}`;
  await form.getByLabel("Title").fill(title);
  await form.getByLabel("Scope").selectOption("all");
  await form.getByRole("button", { name: "Create report snapshot" }).click();
  await expect(page.getByText(/stored \(SHA-256 [0-9a-f]{16}…\)/)).toBeVisible({ timeout: 60_000 });

  const row = page.getByRole("row").filter({ hasText: title });
  await expect(row).toBeVisible();
  // "To (inclusive)" today is stored as tomorrow 00:00 UTC; the list names today, the day covered.
  await expect(row).toContainText(`to ${await form.getByLabel("To (inclusive)").inputValue()} (UTC, inclusive)`);
  // The coverage trend asks for the chart again once a snapshot is added, without a reload.
  const reportId = /Report (\S+) stored/.exec((await page.getByText(/stored \(SHA-256/).textContent()) ?? "")?.[1];
  expect(reportId).toBeTruthy();
  await expect(page.getByRole("img", { name: /Coverage per framework over time/ })).toHaveAttribute("src", `/api/v1/reports/trend?v=${reportId}`);
  // The cell shows the report's SHA-256 and a link that verifies it against the anchor kept outside the database.
  await expect(row.locator(".hash-cell")).toHaveAttribute("title", /^[0-9a-f]{64}$/);
  await expect(row.locator(".hash-cell")).toHaveText(/^[0-9a-f]{64}Verify against its anchor$/);
  // The printable HTML opens in a new tab, ready to print (served inline, under its own script-free CSP).
  const opening = page.waitForEvent("popup");
  await row.getByRole("link", { name: "Printable HTML" }).click();
  const printable = await opening;
  await expect(printable.getByText("Executive summary")).toBeVisible();
  await printable.close();
  for (const format of FORMATS.filter((item) => item.link !== "Printable HTML")) {
    const downloading = page.waitForEvent("download");
    await row.getByRole("link", { name: format.link }).click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(format.file);
    format.check(readFileSync((await download.path())!, "utf8"));
  }
  await expect(page.getByRole("img", { name: /Coverage per framework over time/ })).toBeVisible();
  await context.close();
});

test("a risk officer reads framework evidence but cannot edit a mapping", async ({ browser }) => {
  const { page, context } = await newUserSession(browser, "risk");
  await page.goto("/frameworks/owasp-agentic-top10-2026");
  await expect(page.getByRole("heading", { name: "OWASP Top 10 for Agentic Applications" })).toBeVisible();
  const asi02 = page.locator('tr[data-item="ASI02"]');
  await expect(asi02).toContainText("Tool Misuse and Exploitation");
  await expect(asi02.getByText("Calls outside an agent's declared scope are denied")).toBeVisible();
  await expect(page.getByText(/Edit mapping for/)).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Remove mapping" })).toHaveCount(0);

  const add = await context.request.post("/api/v1/controls/mappings", { data: { controlId: "ctl-rate-limits", frameworkId: "owasp-agentic-top10-2026", itemId: "ASI03" } });
  expect(add.status()).toBe(403);
  const remove = await context.request.delete("/api/v1/controls/mappings?controlId=ctl-out-of-scope-denied&frameworkId=owasp-agentic-top10-2026&itemId=ASI02&rationale=Not%20relevant%20here");
  expect(remove.status()).toBe(403);
  await context.close();
});

test("a security engineer maps a control to an item in the browser", async ({ browser }) => {
  const { page, context } = await newUserSession(browser, "security");
  await page.goto("/frameworks/owasp-agentic-top10-2026");
  const asi09 = page.locator('tr[data-item="ASI09"]');
  await asi09.getByText("Edit mapping for ASI09").click();
  await asi09.getByLabel("Control").selectOption("ctl-incident-response");
  await asi09.getByLabel("Why it maps").fill("Manipulated approvals are handled as incidents.");
  await asi09.getByRole("button", { name: "Map control" }).click();
  await expect(asi09.getByText("An agent incident runbook exists and was exercised")).toBeVisible();
  const mappings = await (await context.request.get("/api/v1/controls/mappings?frameworkId=owasp-agentic-top10-2026")).json();
  expect(mappings.mappings).toContainEqual(expect.objectContaining({ controlId: "ctl-incident-response", itemId: "ASI09", origin: "custom" }));
  await context.close();
});

test("every mapping shows why it maps, and ids or titles that are not the publisher's are marked", async ({ browser }) => {
  const { page, context } = await newUserSession(browser, "risk");
  await page.goto("/frameworks/nist-csf-2.0");
  const subcategory = page.locator('tr[data-item="PR.AA-05"]');
  await expect(subcategory).toContainText("Access permissions, entitlements, and authorizations are defined in a policy");
  // The rationale is readable without opening the control's evidence.
  await expect(subcategory.getByText("Why it maps: Least privilege: permissions defined as the declared scope are enforced on every call.")).toBeVisible();
  await expect(page.getByText("Ids: publisher's id. Titles: publisher's title.")).toBeVisible();

  await page.goto("/frameworks/csa-maestro");
  await expect(page.getByText(/Ids: Steward's own id \(the publisher numbers none\)\. Titles: publisher's title\./)).toBeVisible();
  await expect(page.locator('tr[data-item="L6-T01"]')).toContainText("Security Agent Data Poisoning (Steward's own id (the publisher numbers none))");

  await page.goto("/frameworks/nist-ai-rmf-1.0");
  await expect(page.locator('tr[data-item="GOVERN 1.6"]')).toContainText("(title paraphrased by Steward)");
  await expect(page.locator('tr[data-item="GOVERN"]')).not.toContainText("paraphrased");

  await page.goto("/frameworks/controls");
  const policy = page.getByRole("region", { name: "An approved AI risk policy governs agent use" });
  await policy.getByText(/Mapped to \d+ framework items/).click();
  const pair = policy.locator('li[data-mapping="nist-ai-rmf-1.0/GOVERN 1.3"]');
  await expect(pair).toContainText("Why it maps: The policy sets the risk tolerance that decides how much risk management each agent needs.");
  await expect(pair).toContainText("(title paraphrased by Steward)");
  await expect(policy.locator('li[data-mapping^="nist-ai-rmf-1.0/MEASURE"], li[data-mapping^="nist-ai-rmf-1.0/MANAGE"]')).toHaveCount(0);
  await context.close();
});
