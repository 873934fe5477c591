import { expect, type Browser, type Page } from "@playwright/test";

/**
 * Stand-ins until e2e/fixtures/auth.ts lands on main: the inventory spec's own administrator,
 * created through first-run setup when the database is empty, else signed in.
 */
export const INVENTORY_ADMIN = { email: "inventory-admin@example.test", password: "inventory admin password" };

export async function signIn(page: Page, creds: { email: string; password: string }) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(creds.email);
  await page.getByLabel("Password").fill(creds.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/sign-in/);
}

export async function adminPage(browser: Browser): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto("/setup");
  if (await page.getByRole("button", { name: "Create administrator" }).isVisible()) {
    await page.getByLabel("Your name").fill("Inventory Admin");
    await page.getByLabel("Email").fill(INVENTORY_ADMIN.email);
    await page.getByLabel("Password", { exact: true }).fill(INVENTORY_ADMIN.password);
    await page.getByLabel("Confirm password").fill(INVENTORY_ADMIN.password);
    await page.getByRole("button", { name: "Create administrator" }).click();
    await expect(page).not.toHaveURL(/setup/);
    return page;
  }
  await signIn(page, INVENTORY_ADMIN);
  return page;
}

/**
 * A signed-in security engineer, created by the admin through the users API when it exists.
 * Returns null when this branch has no users API yet (the caller then acts as the admin).
 */
export async function securityPage(browser: Browser, admin: Page): Promise<Page | null> {
  const email = `sec-${Date.now()}@example.test`;
  const password = "security engineer password";
  const response = await admin.request.post("/api/v1/users", { data: { email, name: "Sec Engineer", role: "security", password } });
  if (!response.ok()) return null;
  const page = await (await browser.newContext()).newPage();
  await signIn(page, { email, password });
  return page;
}
