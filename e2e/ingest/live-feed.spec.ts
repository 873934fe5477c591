import { expect, test } from "@playwright/test";
import { randomUUID } from "node:crypto";
import { gzipSync } from "node:zlib";
import { adminSession } from "../fixtures/auth";
import { baseUrl as base, sendDecisions, unique } from "../fixtures/ingest";

/** One decision, as an enforcement point would send it. */
const postDecision = (token: string, decision: Record<string, unknown>) => sendDecisions(token, [decision]);

test("a decision posted with an EP token appears on the live feed without reload", async ({ browser }) => {
  const { context, page } = await adminSession(browser);
  const registered = await context.request.post("/api/v1/enforcement-points", { data: { name: unique("e2e-gw"), kind: "mcp-gateway" } });
  expect(registered.status(), await registered.text()).toBe(201);
  const { token } = (await registered.json()) as { token: string };

  await page.goto("/decisions");
  await expect(page.getByRole("status").filter({ hasText: "live" })).toBeVisible();
  const action = unique("tool.e2e_call");
  const posted = await postDecision(token, {
    id: randomUUID(),
    time: new Date().toISOString(),
    agent: { id: unique("e2e-agent") },
    action: { name: action },
    resource: { type: "doc", id: "d-1" },
    outcome: "deny",
  });
  expect(posted).toEqual({ status: 200, body: { accepted: 1, duplicates: 0, quarantined: [] } });
  const row = page.getByRole("row").filter({ hasText: action });
  await expect(row).toBeVisible({ timeout: 3_000 });
  await expect(row.getByText("deny")).toBeVisible();

  // Pausing holds new rows back and counts them.
  await page.getByRole("button", { name: "Pause" }).click();
  const held = unique("tool.held");
  await postDecision(token, { id: randomUUID(), time: new Date().toISOString(), agent: { id: "e2e-agent" }, action: { name: held }, resource: { type: "doc", id: "d-2" }, outcome: "allow" });
  await expect(page.getByText(/Paused: 1 new decisions not shown/)).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: held })).toHaveCount(0);
  await page.getByRole("button", { name: "Resume" }).click();
  await context.close();
});

test("registering in the browser shows the token once, and an OPA upload lands in the explorer", async ({ browser }) => {
  const { context, page } = await adminSession(browser);
  const name = unique("e2e-opa");
  await page.goto("/enforcement-points");
  const form = page.getByRole("region", { name: "Register an enforcement point" });
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Kind").selectOption("policy-engine");
  await form.getByRole("button", { name: "Register and show token" }).click();
  const token = (await page.getByTestId("issued-token").textContent())!.trim();
  expect(token).toMatch(/^stw_ep_[A-Za-z0-9_-]{43}$/);
  // The shown-once token takes focus (the button that asked for it was disabled while waiting).
  await expect(page.getByRole("status").filter({ has: page.getByTestId("issued-token") })).toBeFocused();
  // One click copies the token, and the ready-made sender configuration already carries it.
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base() });
  await page.getByRole("button", { name: "Copy token" }).click();
  await expect(page.getByText("Copied.")).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
  await expect(page.getByRole("region", { name: "Sender configuration" })).toContainText(token);
  // Filled in on the server with this console's own address (the Origin the action was called from).
  await expect(page.getByRole("region", { name: "Sender configuration" })).toContainText(base());

  const decisionId = randomUUID();
  const upload = await fetch(new URL("/api/v1/opa/logs", base()), {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "content-encoding": "gzip" },
    body: gzipSync(
      JSON.stringify([
        { decision_id: decisionId, timestamp: new Date().toISOString(), path: "agents/allow", input: { subject: { id: "opa-e2e-agent" }, action: { name: "reports.export" }, resource: { type: "report", id: "r-9" } }, result: false, labels: { id: "x" }, unknown_field: 1 },
      ]),
    ),
  });
  expect(upload.status).toBe(200);
  expect(await upload.json()).toMatchObject({ accepted: 1 });

  await page.goto(`/decisions/explore?q=${decisionId}`);
  await page.getByRole("link", { name: /\d{4}-\d\d-\d\d/ }).first().click();
  await expect(page.getByRole("heading", { name: `Decision ${decisionId}` })).toBeVisible();
  await expect(page.getByText("reports.export").first()).toBeVisible();

  await page.goto("/enforcement-points");
  const row = page.getByRole("row").filter({ hasText: name });
  await expect(row).toContainText("1 / 1");
  await context.close();
});

test("at 1280 px the live feed never breaks an id, a name or an action mid-word", async ({ browser }) => {
  const { context, page } = await adminSession(browser);
  await page.setViewportSize({ width: 1280, height: 900 });
  const registered = await context.request.post("/api/v1/enforcement-points", { data: { name: unique("e2e-gateway-with-a-long-name"), kind: "mcp-gateway" } });
  expect(registered.status(), await registered.text()).toBe(201);
  const { token } = (await registered.json()) as { token: string };
  await page.goto("/decisions");
  await expect(page.getByRole("status").filter({ hasText: "live" })).toBeVisible();
  // Long words without spaces, as real agents, tools and resources are named.
  const action = unique("tools/call:ticketing.purge_all_closed_tickets_older_than_ninety_days");
  const posted = await postDecision(token, {
    id: randomUUID(),
    time: new Date().toISOString(),
    agent: { id: unique("spiffe://demo.steward/ns/production/sa/ticket-triage-executor") },
    action: { name: action },
    resource: { type: "ticket_collection", id: unique("projects/customer-support/queues/escalations_archive") },
    outcome: "deny",
  });
  expect(posted.status).toBe(200);
  const row = page.getByRole("row").filter({ hasText: action });
  await expect(row).toBeVisible({ timeout: 5_000 });
  // Every run of characters between spaces and hyphens (where a line may break) sits on one line.
  const broken = await page.locator("table.feed-table tbody").evaluate((body) => {
    const found: string[] = [];
    const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      // Screen-reader-only text sits in a 1 px box on purpose.
      if (node.parentElement?.closest(".visually-hidden")) continue;
      const text = node.textContent ?? "";
      for (const match of text.matchAll(/[^\s-]+/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].filter((rect) => rect.width > 0).map((rect) => Math.round(rect.top)));
        if (tops.size > 1) found.push(match[0]);
      }
    }
    return found;
  });
  expect(broken).toEqual([]);
  // A clipped action keeps its whole text on hover.
  await expect(row.locator(".cell-clip").first()).toHaveAttribute("title", action);
  await context.close();
});
