import { expect, test } from "@playwright/test";
import { newUserSession } from "../fixtures/auth";

test("a security engineer assigns an owner to a discovered agent and its orphan finding disappears", async ({ browser }) => {
  const { page, context } = await newUserSession(browser, "security");
  const suffix = Date.now().toString(36);

  const person = await page.request.post("/api/v1/people", { data: { name: `Olga Owner ${suffix}`, email: `olga-${suffix}@example.test` } });
  expect(person.status()).toBe(201);
  // The agent is discovered the way shadow agents are: an enforcement point reports a decision for it.
  const registered = await page.request.post("/api/v1/enforcement-points", { data: { name: `gw-${suffix}`, kind: "mcp-gateway" } });
  expect(registered.status(), await registered.text()).toBe(201);
  const { token } = (await registered.json()) as { token: string };
  const ingested = await page.request.post("/api/v1/decisions", {
    headers: { authorization: `Bearer ${token}` },
    data: [{ id: `d-${suffix}`, time: new Date().toISOString(), agent: { id: `shadow-${suffix}` }, action: { name: "crm.read" }, resource: { type: "contact", id: "c-1" }, outcome: "allow" }],
  });
  expect(await ingested.json()).toEqual({ accepted: 1, duplicates: 0, quarantined: [] });

  await page.goto("/agents?finding=orphaned");
  await page.getByRole("link", { name: `shadow-${suffix}` }).click();
  await expect(page.getByRole("heading", { level: 1, name: `shadow-${suffix}` })).toBeVisible();
  await expect(page.locator('li[data-finding="orphaned"][data-status="open"]')).toBeVisible();

  const ownership = page.getByRole("form", { name: "Assign ownership" });
  await ownership.getByLabel("Owner", { exact: true }).selectOption({ label: `Olga Owner ${suffix} <olga-${suffix}@example.test>` });
  await ownership.getByRole("button", { name: "Save ownership" }).click();
  await ownership.getByRole("button", { name: "Confirm" }).click();

  await expect(page.getByTestId("agent-owner")).toHaveText(`Olga Owner ${suffix} <olga-${suffix}@example.test>`);
  await expect(page.locator('li[data-finding="orphaned"][data-status="open"]')).toHaveCount(0);
  await expect(page.locator('li[data-finding="orphaned"][data-status="resolved"]')).toBeVisible();

  await page.goto("/agents?finding=orphaned");
  await expect(page.getByRole("link", { name: `shadow-${suffix}` })).toHaveCount(0);
  await context.close();
});
