import { expect, test } from "@playwright/test";
import type { Role } from "@/lib/auth/permissions";
import { newUserSession } from "../fixtures/auth";

/** What each role's menu must and must not offer (the pages answer 403 to the roles they leave out). */
const EXPECTED: Record<Role, { shows: string[]; hides: string[] }> = {
  viewer: { shows: ["Agents", "Decisions", "Policies", "Reports", "Settings"], hides: ["Audit", "Console users"] },
  risk: { shows: ["Frameworks", "Reports"], hides: ["Audit", "Console users"] },
  security: { shows: ["Policies", "Enforcement points"], hides: ["Audit", "Console users"] },
  admin: { shows: ["Audit", "Console users", "Settings"], hides: [] },
};

for (const role of Object.keys(EXPECTED) as Role[]) {
  test(`the ${role}'s menu lists only pages the ${role} may open, and each opens`, async ({ browser }) => {
    const { context, page } = await newUserSession(browser, role);
    const nav = page.getByRole("navigation", { name: "Primary" });
    for (const label of EXPECTED[role].shows) await expect(nav.getByRole("link", { name: label, exact: true })).toBeVisible();
    for (const label of EXPECTED[role].hides) await expect(nav.getByRole("link", { name: label, exact: true })).toHaveCount(0);
    const hrefs = await nav.getByRole("link").evaluateAll((links) => links.map((link) => link.getAttribute("href")!));
    expect(hrefs.length).toBeGreaterThan(5);
    for (const href of hrefs) expect((await context.request.get(href)).status(), `${role} opens ${href}`).toBe(200);
    await context.close();
  });
}

test("Escape closes the phone menu and gives focus back to its button", async ({ browser }) => {
  const { context, page } = await newUserSession(browser, "viewer");
  await page.setViewportSize({ width: 390, height: 800 });
  const nav = page.getByRole("navigation", { name: "Primary" });
  const menu = page.getByRole("button", { name: "Menu" });
  await menu.click();
  await expect(nav.getByRole("link", { name: "Agents", exact: true })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(nav.getByRole("link", { name: "Agents", exact: true })).toBeHidden();
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await expect(menu).toBeFocused();
  await context.close();
});
