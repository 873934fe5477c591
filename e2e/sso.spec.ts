import { expect, test } from "@playwright/test";

test("single sign-on through an OpenID Connect provider maps the role claim", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByRole("button", { name: "Sign in with Example IdP" }).click();
  // The provider authenticates, redirects back with a code; Steward checks state, PKCE and nonce.
  await expect(page.getByRole("heading", { name: "Overview" })).toBeVisible();
  // The claim ["staff", "security"] maps to the first valid Steward role.
  await expect(page.getByText("Signed in as sso.person@steward.test (Security engineer).")).toBeVisible();
  expect((await page.request.get("/people")).status()).toBe(403);
  expect((await page.request.get("/agents")).status()).toBe(200);
});
