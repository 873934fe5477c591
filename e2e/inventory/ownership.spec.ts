import { expect, test } from "@playwright/test";
import { newUserSession } from "../fixtures/auth";

test("a security engineer assigns an owner to a discovered agent and its orphan finding disappears", async ({ browser }) => {
  const { page, context } = await newUserSession(browser, "security");
  const suffix = Date.now().toString(36);

  const person = await page.request.post("/api/v1/people", { data: { name: `Olga Owner ${suffix}`, email: `olga-${suffix}@example.test` } });
  expect(person.status()).toBe(201);
  const agentResponse = await page.request.post("/api/v1/agents", {
    data: { name: `shadow-${suffix}`, status: "discovered", identities: [{ kind: "agent_id", value: `shadow-${suffix}` }] },
  });
  expect(agentResponse.status()).toBe(201);
  const agent = (await agentResponse.json()) as { id: string; openFindings: string[] };
  expect(agent.openFindings).toContain("orphaned");

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
