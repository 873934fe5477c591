import { expect, test } from "@playwright/test";
import { ADMIN, newUserSession, signIn } from "../fixtures/auth";

test("a wrong password says so and keeps the person out", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByText("The email or password is incorrect.")).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in/);
  const overview = await page.request.get("/", { maxRedirects: 0 });
  expect(overview.status()).toBe(307);
});

test("sign in, land where you were going, sign out", async ({ page }) => {
  await page.goto("/settings");
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fsettings/);
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/settings$/);
  await expect(page.getByRole("heading", { name: "Settings", level: 1 })).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByText("You have signed out.")).toBeVisible();
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in/);
});

test("repeated failures lock the account for a while with a clear message", async ({ browser, page }) => {
  const victim = await newUserSession(browser, "viewer");
  await victim.context.close();
  for (let i = 0; i < 5; i++) {
    await page.goto("/sign-in");
    await page.getByLabel("Email").fill(victim.email);
    await page.getByLabel("Password").fill(`wrong-password-${i}`);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page.getByText("The email or password is incorrect.")).toBeVisible();
  }
  await page.getByLabel("Email").fill(victim.email);
  await page.getByLabel("Password").fill(victim.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByText(/Too many failed sign-in attempts\. Wait 15 minutes/)).toBeVisible();
});

test("the shell has landmarks, a skip link and every area in the navigation", async ({ page }) => {
  await signIn(page, ADMIN);
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  await expect(page.getByRole("main")).toBeVisible();
  const nav = page.getByRole("navigation", { name: "Primary" });
  for (const label of ["Agents", "Decisions", "Policies", "Frameworks", "Reports", "Enforcement points", "MCP servers", "Audit", "Console users", "Settings"]) {
    await expect(nav.getByRole("link", { name: label, exact: true })).toBeVisible();
  }
  await page.setViewportSize({ width: 390, height: 800 });
  await expect(nav.getByRole("link", { name: "Agents", exact: true })).toBeHidden();
  await page.getByRole("button", { name: "Menu" }).click();
  await nav.getByRole("link", { name: "Audit", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Audit", level: 1 })).toBeVisible();
});
