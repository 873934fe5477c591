import { expect, test } from "@playwright/test";
import { ADMIN } from "./fixtures/auth";

test("first run: the setup page creates the first admin, then disappears", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole("heading", { name: "Set up Steward" })).toBeVisible();

  // Without the code from the server's log, no account is made.
  await page.getByLabel("Setup code").fill("WRONG-CODE-0000-0000");
  await page.getByLabel("Your name").fill(ADMIN.name);
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password", { exact: true }).fill("too-short");
  await page.getByLabel("Confirm password").fill("too-short");
  await page.getByRole("button", { name: "Create administrator" }).click();
  await expect(page.getByText("Use at least 12 characters")).toBeVisible();

  await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
  await page.getByLabel("Confirm password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Create administrator" }).click();
  // Said once, at the field it is about (not again in the form's status line).
  await expect(page.getByText("That is not the setup code")).toHaveCount(1);
  await expect(page.getByText("That is not the setup code")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Set up Steward" })).toBeVisible();

  await page.getByLabel("Setup code").fill(process.env.STEWARD_SETUP_CODE!);
  await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
  await page.getByLabel("Confirm password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Create administrator" }).click();
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  await expect(page.getByText(`Signed in as ${ADMIN.email}`).first()).toBeVisible();

  const again = await page.request.get("/setup");
  expect(again.status()).toBe(404);
});
