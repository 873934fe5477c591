import { expect, test } from "@playwright/test";
import { adminSession } from "../fixtures/auth";

test("an admin filters the audit trail and verifies its chain", async ({ browser }) => {
  const { page, context } = await adminSession(browser);
  await page.goto("/audit");
  await expect(page.getByRole("heading", { name: "Audit", level: 1 })).toBeVisible();
  // The first-run setup is always there: it is the first entry of the chain.
  await page.getByLabel("Action starts with").fill("user.setup");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/action=user.setup/);
  const rows = page.locator("tbody tr");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("user.setup");

  await page.getByRole("button", { name: "Verify chain" }).click();
  await expect(page.getByText(/^Intact: all \d+ entries match their keyed hashes and links, and the table still reaches the checkpoint/)).toBeVisible();
  await context.close();
});
