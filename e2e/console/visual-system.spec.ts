import { expect, test } from "@playwright/test";
import { randomBytes } from "node:crypto";
import { adminSession } from "../fixtures/auth";

/**
 * The console's visual system in a real browser (docs/console.md "Visual system"): server-sorted table
 * columns with aria-sort, a bad sort key ignored for the default order, pagination with totals, sticky
 * table headers, loading skeletons streamed ahead of slow pages, and motion switched off for people who
 * ask for less of it.
 */

test("agents sort by a column header through the query string, say so with aria-sort, and page with totals", async ({ browser }) => {
  const { page, context } = await adminSession(browser);
  const tag = `sortable-${randomBytes(3).toString("hex")}`;
  for (const name of ["c", "a", "b"]) {
    const created = await page.request.post("/api/v1/agents", { data: { name: `${tag}-${name}` } });
    expect(created.status(), await created.text()).toBe(201);
  }
  await page.goto(`/agents?q=${tag}`);
  const table = page.getByRole("table", { name: "Agents" });
  const agentHeader = table.getByRole("columnheader", { name: /^Agent/ });
  const names = () => table.getByRole("link", { name: new RegExp(`^${tag}-`) }).allTextContents();
  await expect(agentHeader).toHaveAttribute("aria-sort", "ascending");
  expect(await names()).toEqual([`${tag}-a`, `${tag}-b`, `${tag}-c`]);
  await expect(page.getByRole("navigation", { name: "Pages" })).toContainText("Agents 1–3 of 3");

  await agentHeader.getByRole("link").press("Enter");
  await expect(page).toHaveURL(/sort=-name/);
  await expect(agentHeader).toHaveAttribute("aria-sort", "descending");
  // The page reloaded in the new order with keyboard focus back on the header that was pressed, not at the top.
  await expect(agentHeader.getByRole("link")).toBeFocused();
  expect(await names()).toEqual([`${tag}-c`, `${tag}-b`, `${tag}-a`]);
  // The filter survives a change of order.
  expect(new URL(page.url()).searchParams.get("q")).toBe(tag);

  const riskHeader = table.getByRole("columnheader", { name: /^Risk/ });
  await expect(riskHeader).toHaveAttribute("aria-sort", "none");
  await riskHeader.getByRole("link").click();
  await expect(page).toHaveURL(/sort=risk/);
  await expect(riskHeader).toHaveAttribute("aria-sort", "ascending");
  await expect(agentHeader).toHaveAttribute("aria-sort", "none");

  // A sort key the server does not know is dropped by the page's strict schema: the default order, not an error.
  const bad = await page.goto(`/agents?q=${tag}&sort=password`);
  expect(bad?.status()).toBe(200);
  await expect(agentHeader).toHaveAttribute("aria-sort", "ascending");
  expect(await names()).toEqual([`${tag}-a`, `${tag}-b`, `${tag}-c`]);
  await context.close();
});

test("a long table keeps its header row in view while its rows scroll", async ({ browser }) => {
  const { page, context } = await adminSession(browser);
  const tag = `sticky-${randomBytes(3).toString("hex")}`;
  for (let index = 0; index < 30; index++) {
    const created = await page.request.post("/api/v1/agents", { data: { name: `${tag}-${String(index).padStart(2, "0")}` } });
    expect(created.status(), await created.text()).toBe(201);
  }
  await page.setViewportSize({ width: 1280, height: 700 });
  await page.goto(`/agents?q=${tag}`);
  const table = page.getByRole("table", { name: "Agents" });
  await expect(table.getByRole("link", { name: `${tag}-29` })).toBeAttached();
  const scroller = page.locator(".table-wrap", { has: table });
  const header = table.getByRole("columnheader", { name: /^Agent/ });
  const before = (await header.boundingBox())!;
  const scrolled = await scroller.evaluate((element) => {
    element.scrollTop = 600;
    return element.scrollTop;
  });
  expect(scrolled, "the table scrolls inside its own box").toBeGreaterThan(300);
  const wrapTop = (await scroller.boundingBox())!.y;
  const after = (await header.boundingBox())!;
  expect(Math.abs(after.y - wrapTop), "the header sits at the top of the scrolled table").toBeLessThan(2);
  expect(Math.abs(after.y - before.y)).toBeLessThan(2);
  await context.close();
});

test("slow pages stream a skeleton of their layout first, and the skeleton stops pulsing under reduced motion", async ({ browser }) => {
  const { page, context } = await adminSession(browser);
  for (const [path, label] of [
    ["/", "Loading the Overview…"],
    ["/decisions/explore", "Loading decisions…"],
    ["/reports", "Loading reports…"],
  ] as const) {
    const response = await page.request.get(path);
    expect(response.status(), path).toBe(200);
    const html = await response.text();
    // The route ships its skeleton: as streamed markup when the content is slow, else in the route's
    // payload (the fallback client-side navigations show). Which one depends on timing; both name it.
    expect(html, path).toContain("data-skeleton");
    expect(html, path).toContain(label);
  }
  const agent = await page.request.post("/api/v1/agents", { data: { name: `skeleton-${randomBytes(3).toString("hex")}` } });
  const { id } = (await agent.json()) as { id: string };
  const agentHtml = await (await page.request.get(`/agents/${id}`)).text();
  expect(agentHtml).toContain("Loading the agent…");
  // Unknown agents still answer 404: the check runs before the skeleton streams.
  expect((await page.request.get("/agents/agt_does_not_exist", { maxRedirects: 0 })).status()).toBe(404);

  await page.goto("/decisions/explore");
  await expect(page.getByRole("heading", { level: 1, name: "Explore decisions" })).toBeVisible();
  await expect(page.locator('[data-skeleton="page"]')).toHaveCount(0);
  const animationOf = () =>
    page.evaluate(() => {
      const probe = document.createElement("span");
      probe.className = "skeleton";
      document.body.append(probe);
      const name = getComputedStyle(probe).animationName;
      probe.remove();
      return name;
    });
  expect(await animationOf()).toBe("skeleton-pulse");
  await page.emulateMedia({ reducedMotion: "reduce" });
  expect(await animationOf()).toBe("none");
  await context.close();
});

test("outcome badges carry a shape and a label besides their colour, in both themes readable", async ({ browser }) => {
  const { page, context } = await adminSession(browser);
  const registered = await page.request.post("/api/v1/enforcement-points", { data: { name: `badge-gw-${randomBytes(3).toString("hex")}`, kind: "mcp-gateway" } });
  const { token } = (await registered.json()) as { token: string };
  const action = `badge.${randomBytes(3).toString("hex")}`;
  const posted = await page.request.post("/api/v1/decisions", {
    headers: { authorization: `Bearer ${token}` },
    data: ["allow", "deny"].map((outcome) => ({ id: `${action}-${outcome}`, time: new Date().toISOString(), agent: { id: "badge-agent" }, action: { name: action }, resource: { type: "doc", id: "1" }, outcome })),
  });
  expect(posted.status(), await posted.text()).toBe(200);
  await page.goto(`/decisions/explore?action=${action}`);
  const table = page.getByRole("table", { name: "Decisions, newest first" });
  for (const [outcome, icon] of [
    ["allow", "✓"],
    ["deny", "✕"],
  ] as const) {
    const badge = table.locator(`.status-badge[data-tone="${outcome}"]`);
    await expect(badge).toHaveText(`${icon}${outcome}`);
    await expect(badge.locator(".status-icon")).toHaveAttribute("aria-hidden", "true");
  }
  await expect(page.getByRole("navigation", { name: "Older decisions" })).toContainText("Decisions 1–2 of 2");
  for (const theme of ["light", "dark"] as const) {
    await page.evaluate((chosen) => (document.documentElement.dataset.theme = chosen), theme);
    const colours = await table.locator(".status-badge").evaluateAll((badges) => badges.map((badge) => getComputedStyle(badge).color));
    expect(new Set(colours).size, `${theme}: allow and deny differ`).toBe(2);
  }
  await context.close();
});

test("enforcement points and the audit trail sort on the server from their column headers, with aria-sort", async ({ browser }) => {
  const { page, context } = await adminSession(browser);
  const tag = `epsort-${randomBytes(3).toString("hex")}`;
  for (const name of ["b", "a", "c"]) {
    const registered = await page.request.post("/api/v1/enforcement-points", { data: { name: `${tag}-${name}`, kind: "sidecar" } });
    expect(registered.status(), await registered.text()).toBe(201);
  }
  // The API refuses an order it does not know (a 400 naming ?sort), rather than ignoring it.
  const refused = await page.request.get("/api/v1/enforcement-points?sort=token");
  expect(refused.status()).toBe(400);
  expect(await refused.text()).toContain("sort");

  await page.goto("/enforcement-points");
  const table = page.getByRole("table", { name: "Registered enforcement points" });
  const nameHeader = table.getByRole("columnheader", { name: /^Name/ });
  const names = async () => (await table.getByRole("link", { name: new RegExp(`^${tag}-`) }).allTextContents()).map((text) => text.trim());
  await expect(nameHeader).toHaveAttribute("aria-sort", "ascending");
  expect(await names()).toEqual([`${tag}-a`, `${tag}-b`, `${tag}-c`]);
  await nameHeader.getByRole("link").click();
  await expect(page).toHaveURL(/sort=-name/);
  await expect(nameHeader).toHaveAttribute("aria-sort", "descending");
  expect(await names()).toEqual([`${tag}-c`, `${tag}-b`, `${tag}-a`]);

  // The audit trail: newest first by default; the time header turns it oldest first, on the server.
  await page.goto(`/audit?entity=enforcement_point&action=enforcement_point.register`);
  const audit = page.getByRole("table", { name: "Audit trail" });
  const timeHeader = audit.getByRole("columnheader", { name: /^When/ });
  const seqs = async () => (await audit.locator("tbody tr td:first-child").allTextContents()).map(Number);
  await expect(timeHeader).toHaveAttribute("aria-sort", "descending");
  const newest = await seqs();
  expect(newest).toEqual([...newest].sort((x, y) => y - x));
  await timeHeader.getByRole("link").click();
  await expect(page).toHaveURL(/sort=time/);
  await expect(timeHeader).toHaveAttribute("aria-sort", "ascending");
  const oldest = await seqs();
  expect(oldest).toEqual([...oldest].sort((x, y) => x - y));
  expect(oldest[0]).toBeLessThan(newest[0]!);
  // The filters survive the change of order.
  expect(new URL(page.url()).searchParams.get("action")).toBe("enforcement_point.register");
  await context.close();
});

test("alert rules and MCP servers sort on the server from their column headers, with aria-sort; the other lists' APIs refuse an unknown sort", async ({ browser }) => {
  const { page, context } = await adminSession(browser);
  const tag = `lists-${randomBytes(3).toString("hex")}`;
  // Each list's GET route: a known order answers, an unknown one is a 400 naming ?sort.
  const orders = { "/api/v1/tasks": "purpose", "/api/v1/alerts": "-severity", "/api/v1/alert-rules": "-cooldown", "/api/v1/mcp-servers": "sensitivity", "/api/v1/reports": "title", "/api/v1/policies/versions": "revision" };
  for (const [path, sort] of Object.entries(orders)) {
    expect((await page.request.get(`${path}?sort=${sort}`)).status(), path).toBe(200);
    const refused = await page.request.get(`${path}?sort=nope`);
    expect(refused.status(), path).toBe(400);
    expect(await refused.text()).toContain("sort");
  }

  // Alert rules: by name by default; the Rule header reverses it, the Cooldown header orders by cooldown.
  for (const [name, cooldownMinutes] of [["b", 30], ["a", 60], ["c", 5]] as const) {
    const created = await page.request.post("/api/v1/alert-rules", { data: { name: `${tag}-${name}`, kind: "shadow_agent", severity: "low", cooldownMinutes } });
    expect(created.status(), await created.text()).toBe(201);
  }
  await page.goto("/alerts/rules");
  const rules = page.getByRole("table", { name: "Alert rules" });
  const ruleNames = async () => (await rules.locator("tbody th").allTextContents()).map((text) => new RegExp(`${tag}-[abc]`).exec(text)?.[0]).filter(Boolean);
  const ruleHeader = rules.getByRole("columnheader", { name: /^Rule/ });
  await expect(ruleHeader).toHaveAttribute("aria-sort", "ascending");
  expect(await ruleNames()).toEqual([`${tag}-a`, `${tag}-b`, `${tag}-c`]);
  await ruleHeader.getByRole("link").click();
  await expect(page).toHaveURL(/sort=-name/);
  await expect(ruleHeader).toHaveAttribute("aria-sort", "descending");
  expect(await ruleNames()).toEqual([`${tag}-c`, `${tag}-b`, `${tag}-a`]);
  const cooldownHeader = rules.getByRole("columnheader", { name: /^Cooldown/ });
  await expect(cooldownHeader).toHaveAttribute("aria-sort", "none");
  await cooldownHeader.getByRole("link").click();
  await expect(page).toHaveURL(/sort=cooldown/);
  await expect(cooldownHeader).toHaveAttribute("aria-sort", "ascending");
  await expect(ruleHeader).toHaveAttribute("aria-sort", "none");
  expect(await ruleNames()).toEqual([`${tag}-c`, `${tag}-b`, `${tag}-a`]);

  // MCP servers: by name by default; Data sensitivity orders by rank (public → restricted), and the tool
  // catalog's own order (?toolSort=) survives ordering the servers.
  const server = tag.replace(/[^a-z0-9-]/g, "");
  for (const [name, dataSensitivity] of [["b", "restricted"], ["a", "confidential"], ["c", "public"]] as const) {
    const registered = await page.request.post("/api/v1/mcp-servers", { data: { name: `${server}-${name}`, transport: "http", url: `https://${name}.internal/mcp`, dataSensitivity } });
    expect(registered.status(), await registered.text()).toBe(201);
  }
  await page.goto("/mcp-servers?toolSort=-lastSeen");
  const servers = page.getByRole("table", { name: "Registered MCP servers" });
  const serverNames = async () => (await servers.locator("tbody th").allTextContents()).map((text) => text.trim()).filter((text) => text.startsWith(`${server}-`));
  const nameHeader = servers.getByRole("columnheader", { name: /^Name/ });
  await expect(nameHeader).toHaveAttribute("aria-sort", "ascending");
  expect(await serverNames()).toEqual([`${server}-a`, `${server}-b`, `${server}-c`]);
  const sensitivityHeader = servers.getByRole("columnheader", { name: /^Data sensitivity/ });
  await sensitivityHeader.getByRole("link").click();
  await expect(page).toHaveURL(/sort=sensitivity/);
  await expect(sensitivityHeader).toHaveAttribute("aria-sort", "ascending");
  await expect(nameHeader).toHaveAttribute("aria-sort", "none");
  expect(await serverNames()).toEqual([`${server}-c`, `${server}-a`, `${server}-b`]);
  await sensitivityHeader.getByRole("link").click();
  await expect(page).toHaveURL(/sort=-sensitivity/);
  await expect(sensitivityHeader).toHaveAttribute("aria-sort", "descending");
  expect(await serverNames()).toEqual([`${server}-b`, `${server}-a`, `${server}-c`]);
  expect(new URL(page.url()).searchParams.get("toolSort")).toBe("-lastSeen");
  await context.close();
});
