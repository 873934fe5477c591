import { expect, test, type Page } from "@playwright/test";
import { adminSession, consoleContext, consoleOrigin, newUserSession, signIn } from "../fixtures/auth";

/** Redirect targets that must never leave the console (item 10). */
const OFF_SITE = ["//evil.example", "/.//evil.example", "/\\evil.example", "/%2F%2Fevil.example", "%2F%2Fevil.example", "/\t/evil.example", "https:evil.example", "https://evil.example/", "/%5Cevil.example", "javascript:alert(1)"];

test("sign-in never redirects off the console, whatever callbackUrl says", async ({ browser }) => {
  test.setTimeout(240_000); // one real sign-in (scrypt) per variant
  const { context, email, password } = await newUserSession(browser, "viewer");
  await context.close();
  for (const target of OFF_SITE) {
    const fresh = await consoleContext(browser);
    const page = await fresh.newPage();
    await page.goto(`/sign-in?callbackUrl=${encodeURIComponent(target)}`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page).not.toHaveURL(/\/sign-in/);
    const landed = new URL(page.url());
    expect(landed.origin, target).toBe(consoleOrigin());
    expect(landed.pathname.startsWith("//"), target).toBe(false);
    await fresh.close();
  }
});

test("a link opened while signed out returns to the same page with its query after sign-in", async ({ browser }) => {
  const { context, email, password } = await newUserSession(browser, "viewer");
  await context.close();
  const fresh = await consoleContext(browser);
  const page = await fresh.newPage();
  // A header a client sends cannot choose where sign-in returns: the proxy overwrites it.
  const spoofed = await fresh.request.get("/approvals", { headers: { "x-steward-return-to": "/approvals?spoofed=1" }, maxRedirects: 0 });
  expect(spoofed.headers().location).toBe("/sign-in?callbackUrl=%2Fapprovals");
  await page.goto("/approvals?view=history");
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fapprovals%3Fview%3Dhistory$/);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/approvals\?view=history$/);
  await fresh.close();
});

// The suite's AUTH_URL is http://127.0.0.1:<port>, which Next.js itself spells "localhost:<port>" in request
// URLs; so this asserts that nothing a client or proxy sends (Host, X-Forwarded-Host) reaches a redirect.
// (Checked by hand with AUTH_URL=https://steward.example.test: every Location and callbackUrl names that origin.)
test("Auth.js's own routes never redirect to the Host a client or proxy forwarded", async () => {
  for (const path of ["/api/auth/signin", "/api/auth/error", "/api/auth/signin/credentials", "/api/auth/callback/credentials", "/api/auth/signout"]) {
    const response = await fetch(new URL(path, consoleOrigin()), {
      method: path.includes("callback") ? "POST" : "GET",
      redirect: "manual",
      headers: { "x-forwarded-host": "internal.lan:9999", "x-forwarded-proto": "https" },
    });
    const location = decodeURIComponent(response.headers.get("location") ?? "");
    expect(location, path).not.toMatch(/internal\.lan|:9999/);
    expect(await response.text(), path).not.toMatch(/internal\.lan/);
  }
});

test("a garbage session cookie is simply anonymous", async () => {
  for (const value of ["garbage", "a.b.c.d.e", "x".repeat(3000)]) {
    const response = await fetch(new URL("/settings", consoleOrigin()), { redirect: "manual", headers: { cookie: `authjs.session-token=${value}` } });
    expect(response.status).toBe(307);
    const api = await fetch(new URL("/api/v1/tokens", consoleOrigin()), { headers: { cookie: `authjs.session-token=${value}` } });
    expect(api.status).toBe(401);
  }
});

test("100 parallel sign-ins for one account (99 wrong, one right) check at most the limit", async ({ browser }) => {
  const { context, email, password } = await newUserSession(browser, "viewer");
  await context.close();
  const csrf = await fetch(new URL("/api/auth/csrf", consoleOrigin()));
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookie = csrf.headers.getSetCookie().map((line) => line.split(";")[0]).join("; ");
  const attempts = Array.from({ length: 100 }, (_, i) => (i === 50 ? password : `wrong-password-${i}`));
  const outcomes = await Promise.all(
    attempts.map(async (attempt) => {
      const response = await fetch(new URL("/api/auth/callback/credentials", consoleOrigin()), {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie, origin: consoleOrigin() },
        body: new URLSearchParams({ email, password: attempt, csrfToken, callbackUrl: "/" }),
      });
      const location = response.headers.get("location") ?? "";
      return /code=rate_limited/.test(location) ? "refused" : /error=/.test(location) ? "wrong" : "signed-in";
    }),
  );
  const checked = outcomes.filter((outcome) => outcome !== "refused");
  expect(checked.length).toBeGreaterThan(0);
  expect(checked.length).toBeLessThanOrEqual(5);
});

async function expectSignedOut(page: Page) {
  await page.goto("/settings");
  await expect(page).toHaveURL(/\/sign-in/);
}

test("changing one's own password ends every other session and keeps this one", async ({ browser }) => {
  const first = await newUserSession(browser, "risk");
  const second = await consoleContext(browser);
  const secondPage = await second.newPage();
  await signIn(secondPage, { email: first.email, password: first.password });

  await first.page.goto("/change-password");
  await first.page.getByLabel("Current password").fill(first.password);
  await first.page.getByLabel("New password", { exact: true }).fill("a fresh password for risk");
  await first.page.getByLabel("New password again").fill("a fresh password for risk");
  await first.page.getByRole("button", { name: "Change password" }).click();
  await expect(first.page.getByText("Your password is changed.")).toBeVisible();

  await expectSignedOut(secondPage);
  await first.page.goto("/settings");
  await expect(first.page.getByRole("heading", { name: "Settings", level: 1 })).toBeVisible();
  await Promise.all([first.context.close(), second.close()]);
});

test("an admin's reset ends the person's sessions and makes them choose a new password first", async ({ browser }) => {
  const person = await newUserSession(browser, "security");
  const admin = await adminSession(browser);
  await admin.page.goto("/people");
  const row = admin.page.getByTestId(`user-${person.email}`);
  await row.getByRole("button", { name: "Reset password" }).click();
  await admin.page.getByRole("dialog", { name: `Reset the password of ${person.email}` }).getByRole("button", { name: "Reset password" }).click();
  const temporary = (await row.getByTestId("temporary-password").textContent())!.trim();
  expect(temporary).toMatch(/^[A-Za-z0-9_-]{20}$/);
  // The shown-once password takes focus, also after the confirm dialog has closed.
  await expect(row.getByRole("status").filter({ has: admin.page.getByTestId("temporary-password") })).toBeFocused();

  await expectSignedOut(person.page);
  await person.page.getByLabel("Email").fill(person.email);
  await person.page.getByLabel("Password").fill(temporary);
  await person.page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(person.page).toHaveURL(/\/change-password/);
  // Until then, nothing else works: pages send them back, the API and actions refuse.
  await person.page.goto("/policies");
  await expect(person.page).toHaveURL(/\/change-password/);
  expect((await person.context.request.get("/api/v1/agents")).status()).toBe(403);

  await person.page.getByLabel("Current password").fill(temporary);
  await person.page.getByLabel("New password", { exact: true }).fill("security chose this one");
  await person.page.getByLabel("New password again").fill("security chose this one");
  await person.page.getByRole("button", { name: "Change password" }).click();
  await expect(person.page.getByText("Your password is changed.")).toBeVisible();
  expect((await person.context.request.get("/api/v1/agents")).status()).toBe(200);
  await Promise.all([person.context.close(), admin.context.close()]);
});

test("a role change and a deactivation end the person's sessions", async ({ browser }) => {
  const person = await newUserSession(browser, "viewer");
  const admin = await adminSession(browser);
  const users = (await (await admin.context.request.get("/api/v1/users")).json()).users as { id: string; email: string }[];
  const id = users.find((user) => user.email === person.email)!.id;
  expect((await admin.context.request.patch(`/api/v1/users/${id}`, { data: { role: "risk" } })).status()).toBe(200);
  await expectSignedOut(person.page);
  await signIn(person.page, { email: person.email, password: person.password });
  expect((await admin.context.request.patch(`/api/v1/users/${id}`, { data: { active: false } })).status()).toBe(200);
  expect((await admin.context.request.patch(`/api/v1/users/${id}`, { data: { active: true } })).status()).toBe(200);
  // Reactivating does not revive the old session.
  await expectSignedOut(person.page);
  await Promise.all([person.context.close(), admin.context.close()]);
});

test("a confirm dialog opens without a CSP violation: the scroll lock's <style> carries the page's nonce", async ({ browser }) => {
  const { context, page } = await adminSession(browser);
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to (execute|load|apply)/i.test(message.text())) violations.push(message.text());
  });
  await page.addInitScript(() => {
    (window as unknown as { cspViolations: string[] }).cspViolations = [];
    document.addEventListener("securitypolicyviolation", (event) => (window as unknown as { cspViolations: string[] }).cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`));
  });
  await page.goto("/settings");
  // A token of one's own to revoke: its Revoke button asks in a Radix dialog.
  const name = `csp-dialog-${Date.now().toString(36)}`;
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByTestId("new-token")).toBeVisible();
  // Focus lands on the shown-once secret, not the page.
  await expect(page.getByRole("status").filter({ has: page.getByTestId("new-token") })).toBeFocused();
  const row = page.getByRole("row").filter({ hasText: name });
  for (let round = 0; round < 2; round += 1) {
    // Twice: the scroll lock's style element is written again on each opening.
    await row.getByRole("button", { name: "Revoke" }).click();
    const dialog = page.getByRole("dialog", { name: `Revoke token ${name}` });
    await expect(dialog).toBeVisible();
    // The scroll lock's rule (body[data-scroll-locked] { overflow: hidden }) applies: its <style> was not refused.
    await expect(page.locator("body")).toHaveAttribute("data-scroll-locked", /\d/);
    await expect(page.locator("body")).toHaveCSS("overflow", "hidden");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
  }
  expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
  expect(violations).toEqual([]);
  await context.close();
});

test("every page carries a CSP nonce on its scripts and loads without a CSP violation", async ({ browser }) => {
  const { context, page } = await adminSession(browser);
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to (execute|load|apply)/i.test(message.text())) violations.push(message.text());
  });
  for (const path of ["/", "/agents", "/decisions", "/policies", "/settings", "/people", "/change-password"]) {
    const response = await page.goto(path);
    const csp = response!.headers()["content-security-policy"] ?? "";
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce, path).toBeTruthy();
    expect(csp).toContain("'strict-dynamic'");
    // Every <script> the server wrote carries this response's nonce (scripts those load later need none: 'strict-dynamic').
    const html = await response!.text();
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    expect(scripts.length, path).toBeGreaterThan(0);
    for (const tag of scripts) expect(tag, path).toContain(`nonce="${nonce}"`);
  }
  // Hydration works under the policy: a client-side interaction still runs.
  await page.goto("/settings");
  await page.getByLabel("Name").fill("csp-check");
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByTestId("new-token")).toBeVisible();
  expect(violations).toEqual([]);
  // Two responses never share a nonce.
  const a = (await context.request.get("/")).headers()["content-security-policy"];
  const b = (await context.request.get("/")).headers()["content-security-policy"];
  expect(a).not.toBe(b);
  await context.close();
});
