import { expect, test } from "@playwright/test";
import { adminSession, apiTokenFor, consoleContext, newUserSession, signIn, uniqueEmail } from "../fixtures/auth";

test("an admin adds a person, changes their role and deactivates them; their session and tokens stop at once", async ({ browser }) => {
  const { page } = await adminSession(browser);
  await page.goto("/people");
  const email = uniqueEmail("riley");
  const form = page.getByRole("form", { name: "Add a person" });
  await form.getByLabel("Name").fill("Riley Risk");
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Role").selectOption("risk");
  await form.getByLabel("Initial password").fill("riley-initial-password");
  await form.getByRole("button", { name: "Add person" }).click();
  await expect(page.getByText(`${email} can now sign in`)).toBeVisible();
  const row = page.getByTestId(`user-${email}`);
  await expect(row).toContainText("Risk officer");

  // Riley signs in elsewhere and makes a token.
  const riley = await consoleContext(browser);
  const rileyPage = await riley.newPage();
  await signIn(rileyPage, { email, password: "riley-initial-password" });
  const token = await apiTokenFor(riley);
  expect((await rileyPage.request.get("/api/v1/tokens", { headers: { authorization: `Bearer ${token}` } })).status()).toBe(200);
  // A risk officer may not manage people.
  expect((await rileyPage.request.get("/people")).status()).toBe(403);

  // Picking a role only proposes it; the change waits for a confirmation, and Escape takes it back.
  await row.getByLabel(`Role of ${email}`).selectOption("admin");
  const confirmRole = page.getByRole("dialog", { name: `Confirm a new role for ${email}` });
  await expect(confirmRole).toContainText("From Risk officer to Administrator");
  await page.keyboard.press("Escape");
  await expect(confirmRole).toBeHidden();
  await expect(row.getByLabel(`Role of ${email}`)).toHaveValue("risk");
  await page.reload();
  await expect(page.getByTestId(`user-${email}`).getByLabel(`Role of ${email}`)).toHaveValue("risk");
  await row.getByLabel(`Role of ${email}`).selectOption("security");
  await confirmRole.getByRole("button", { name: "Change role" }).click();
  await expect(row.getByLabel(`Role of ${email}`)).toHaveValue("security");
  await page.reload();
  await expect(row.getByLabel(`Role of ${email}`)).toHaveValue("security");

  await row.getByRole("button", { name: "Deactivate" }).click();
  const dialog = page.getByRole("dialog", { name: `Deactivate ${email}` });
  await expect(dialog.getByRole("button", { name: "Deactivate" })).toBeDisabled();
  await dialog.getByLabel(/Type .* to confirm/).fill(email);
  await dialog.getByRole("button", { name: "Deactivate" }).click();
  await expect(row).toContainText("Deactivated");

  // At once: the open session is signed out and the token is refused.
  await rileyPage.goto("/");
  await expect(rileyPage).toHaveURL(/\/sign-in/);
  const refused = await browser.newContext();
  expect((await refused.request.get("/api/v1/tokens", { headers: { authorization: `Bearer ${token}` } })).status()).toBe(401);
  await Promise.all([riley.close(), refused.close()]);
});

test("a viewer cannot open people or audit, and cannot change anything through the API", async ({ browser }) => {
  const viewer = await newUserSession(browser, "viewer");
  expect((await viewer.page.request.get("/people")).status()).toBe(403);
  expect((await viewer.page.request.get("/audit")).status()).toBe(403);
  const created = await viewer.page.request.post("/api/v1/users", { data: { email: uniqueEmail("x"), name: "X", role: "admin", password: "long enough password" } });
  expect(created.status()).toBe(403);
  expect((await created.json()).error.code).toBe("forbidden");
  await viewer.context.close();
});
