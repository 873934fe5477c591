import { expect, test } from "@playwright/test";
import { adminSession, newUserSession } from "../fixtures/auth";

test("an admin sees the job queue's schedules and the runs it started with; a viewer may not", async ({ browser }) => {
  const { page, context } = await adminSession(browser);
  await page.goto("/jobs");
  await expect(page.getByRole("heading", { name: "Jobs", level: 1 })).toBeVisible();
  // This console has no DATABASE_READ_URL: the replica card says so and how to add one.
  await expect(page.getByRole("region", { name: "Read replica" })).toContainText("No read replica: every page reads from the primary");
  const schedules = page.getByRole("table", { name: "Schedules" });
  for (const [name, cron] of [
    ["findings-refresh", "*/10 * * * *"],
    ["decision-partitions", "7 * * * *"],
    ["alert-evaluation", "* * * * *"],
    ["outbound-delivery", "When new work commits, and 0.5 s after an idle run"],
    ["approval-upkeep", "When new work commits, and 0.5 s after an idle run"],
  ] as const) {
    await expect(schedules.getByRole("row", { name: new RegExp(name) })).toContainText(cron);
  }
  // The drains run at start and every 0.5 s while idle: each shows a last completion, and none floods the runs list.
  await expect(async () => {
    await page.goto("/jobs");
    for (const name of ["outbound-delivery", "approval-upkeep"]) {
      await expect(page.getByRole("table", { name: "Schedules" }).getByRole("row", { name: new RegExp(name) })).toContainText(/\d{4}-\d{2}-\d{2}/, { timeout: 1_000 });
    }
  }).toPass({ timeout: 30_000 });
  await expect(page.locator('tr[data-job-name="outbound-delivery"][data-job-state="completed"]')).toHaveCount(0);
  // Each is queued once at start; the console's own worker runs it (polled every 2 s).
  await expect(async () => {
    await page.goto("/jobs?state=completed");
    await expect(page.locator('tr[data-job-name="findings-refresh"][data-job-state="completed"]').first()).toBeVisible({ timeout: 1_000 });
    await expect(page.locator('tr[data-job-name="decision-partitions"][data-job-state="completed"]').first()).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByLabel("State")).toHaveValue("completed");
  await context.close();

  const viewer = await newUserSession(browser, "viewer");
  expect((await viewer.page.request.get("/jobs", { maxRedirects: 0 })).status()).toBe(403);
  await viewer.context.close();
});
