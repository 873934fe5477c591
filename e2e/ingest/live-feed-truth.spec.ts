import { expect, test, type Page } from "@playwright/test";
import { randomBytes, randomUUID } from "node:crypto";
import { adminSession } from "../fixtures/auth";

const base = () => test.info().project.use.baseURL!;
const unique = (label: string) => `${label}-${randomBytes(3).toString("hex")}`;

/** An enforcement point's batch, as curl would send it. */
async function post(token: string, decisions: Record<string, unknown>[]) {
  const response = await fetch(new URL("/api/v1/decisions", base()), {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(decisions),
  });
  expect(response.status, await response.clone().text()).toBe(200);
}
const decision = (action: string, time: Date) => ({ id: randomUUID(), time: time.toISOString(), agent: { id: "truth-agent" }, action: { name: action }, resource: { type: "doc", id: "d" }, outcome: "allow" });

async function registerEp(page: Page) {
  const registered = await page.context().request.post("/api/v1/enforcement-points", { data: { name: unique("truth-gw"), kind: "mcp-gateway" } });
  expect(registered.status(), await registered.text()).toBe(201);
  return ((await registered.json()) as { token: string }).token;
}

test("while live, decisions the feed could not show are counted on the page with a way to the explorer", async ({ browser }) => {
  const { context, page } = await adminSession(browser);
  const token = await registerEp(page);
  const action = unique("tool.burst");
  await page.goto(`/decisions?action=${action}`);
  await expect(page.getByRole("status").filter({ hasText: "live" })).toBeVisible();

  // One batch of 450: the stream sends at most 200 per tick and counts the rest.
  const now = Date.now();
  await post(token, Array.from({ length: 450 }, (_, i) => decision(action, new Date(now - 450 + i))));
  const notice = page.getByTestId("feed-skipped");
  await expect(notice).toContainText("more not shown");
  const skipped = Number((await notice.textContent())!.match(/([\d,]+) more not shown/)![1]!.replace(/,/g, ""));
  const rows = page.getByRole("row").filter({ hasText: action });
  await expect(rows).toHaveCount(200);
  // Every decision of the batch is either on the page or in the count: nothing vanishes silently.
  expect(skipped + 200).toBe(450);
  const link = notice.getByRole("link", { name: "open the explorer" });
  expect(await link.getAttribute("href")).toContain(`action=${action}`);

  // Rows are in time order (newest first), whatever order they arrived in.
  const times = await rows.locator("td").first().allTextContents();
  const sorted = [...times].sort().reverse();
  expect(times).toEqual(sorted);
  await context.close();
});

test("the rate falls to 0 after traffic stops, blanks while disconnected, and a reconnect states the gap with a link", async ({ browser }) => {
  const { context, page } = await adminSession(browser);
  const token = await registerEp(page);
  const action = unique("tool.gap");
  await page.goto(`/decisions?action=${action}`);
  await expect(page.getByRole("status").filter({ hasText: "live" })).toBeVisible();
  const rate = page.getByTestId("feed-rate");

  await post(token, Array.from({ length: 40 }, () => decision(action, new Date())));
  await expect(rate).not.toHaveText("0 / s");
  await expect(rate).toHaveText("0 / s", { timeout: 5_000 });

  // Cut the connection: the badge says so, and no rate is claimed while no one is measuring.
  await context.setOffline(true);
  await expect(page.getByRole("status").filter({ hasText: "reconnecting" })).toBeVisible({ timeout: 15_000 });
  await expect(rate).toHaveText("— / s");
  // Decisions committed while the page is disconnected never reach it over the stream…
  const missed = unique("tool.missed");
  await post(token, [decision(missed, new Date())]);
  await context.setOffline(false);
  await expect(page.getByRole("status").filter({ hasText: "live" })).toBeVisible({ timeout: 30_000 });
  // …so the page says which span it missed, with the explorer for it.
  const gap = page.getByTestId("feed-gap");
  await expect(gap).toContainText("Disconnected from");
  const href = (await gap.getByRole("link", { name: "open the explorer for that span" }).getAttribute("href"))!;
  expect(href).toContain(`action=${action}`);
  const span = new URL(href, base()).searchParams;
  expect(Date.parse(span.get("from")!)).toBeLessThan(Date.now());
  expect(Date.parse(span.get("to")!)).toBeGreaterThan(Date.parse(span.get("from")!));
  await context.close();
});
