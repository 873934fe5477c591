import { expect, test, type Locator } from "@playwright/test";
import { adminSession } from "../fixtures/auth";
import { unique } from "../fixtures/ingest";

/** A ticking relative time: "… seconds ago" that changes on its own, the absolute UTC time in its title and dateTime. */
async function expectTicking(time: Locator) {
  await expect(time).toHaveText(/(now|\d+ seconds? ago)/);
  await expect(time).toHaveAttribute("title", /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);
  await expect(time).toHaveAttribute("datetime", /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  const first = await time.textContent();
  // No reload: the text moves on by itself.
  await expect.poll(() => time.textContent(), { timeout: 5_000 }).not.toBe(first);
}

test("an enforcement point's last seen and a gateway's last report read as relative time that keeps ticking", async ({ browser }) => {
  const { context, page } = await adminSession(browser);
  const name = unique("e2e-seen");
  const registered = await context.request.post("/api/v1/enforcement-points", { data: { name, kind: "mcp-gateway" } });
  expect(registered.status(), await registered.text()).toBe(201);
  const { token } = (await registered.json()) as { token: string };
  // The gateway reports (that marks its enforcement point seen).
  const report = await context.request.post("/api/v1/gateway/report", {
    headers: { authorization: `Bearer ${token}` },
    data: { policyRevision: null, bundleAgeSeconds: null, spool: { backlog: 0, bytes: 0, full: false }, upstreams: [], tools: [] },
  });
  expect(report.status(), await report.text()).toBe(200);

  await page.goto("/enforcement-points");
  const row = page.getByRole("row").filter({ hasText: name });
  await expectTicking(row.getByRole("cell").nth(1).locator("time"));

  await page.goto("/mcp-servers");
  const gateway = page.getByRole("table", { name: "MCP gateways" }).getByRole("row").filter({ hasText: name });
  await expectTicking(gateway.locator("time"));
  await context.close();
});
