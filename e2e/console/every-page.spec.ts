import AxeBuilder from "@axe-core/playwright";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { randomBytes, randomUUID } from "node:crypto";
import { adminSession } from "../fixtures/auth";

/**
 * The console as a whole, page by page, as an administrator (who may open every page): every
 * internal link answers (no 404, no 5xx — pages, downloads and the prefetches and assets each page
 * asks for), no page scrolls sideways at 1280 or 390 px, and axe-core finds nothing serious or
 * critical. Pages are found by following links from the Overview, so a new page is covered as soon
 * as something links to it.
 */

const unique = (label: string) => `${label}-${randomBytes(3).toString("hex")}`;
const WIDTHS = [1280, 390] as const;
/** Pages of one shape (an agent page, a framework page…) visited at most this often. */
const PER_SHAPE = 2;
const MAX_PAGES = 150;

/** Something on every kind of page to link to: an EP, decisions for an agent, a policy tagged with a framework item. */
async function seed(request: APIRequestContext) {
  const registered = await request.post("/api/v1/enforcement-points", { data: { name: unique("crawl-gw"), kind: "mcp-gateway" } });
  expect(registered.status(), await registered.text()).toBe(201);
  const { token } = (await registered.json()) as { token: string };
  const agent = await request.post("/api/v1/agents", { data: { name: unique("Crawl agent") } });
  expect(agent.status(), await agent.text()).toBe(201);
  // As an enforcement point sends it: its bearer token, no console session.
  const posted = await fetch(new URL("/api/v1/decisions", test.info().project.use.baseURL!), {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify([{ id: randomUUID(), time: new Date().toISOString(), agent: { id: unique("crawl-agent") }, action: { name: "tool.crawl" }, resource: { type: "doc", id: "d-1" }, outcome: "allow", trace_id: randomBytes(16).toString("hex") }]),
  });
  expect(posted.status, await posted.text()).toBe(200);
  const policy = await request.post("/api/v1/policies", { data: { description: unique("Crawl policy"), frameworkTags: "ASI02", source: "permit (principal, action, resource);\n" } });
  expect(policy.status(), await policy.text()).toBe(201);
}

/** A page's shape: id-like path segments and query values blanked, so one agent page stands for all. */
function shapeOf(url: URL): string {
  const path = url.pathname
    .split("/")
    .map((segment) => (/[0-9]/.test(segment) && segment.length > 6 ? ":id" : segment))
    .join("/");
  return `${path}?${[...url.searchParams.keys()].sort().join("&")}`;
}

type Problem = string;

async function internalLinks(page: Page, origin: string): Promise<string[]> {
  const hrefs = await page.locator("a[href]").evaluateAll((anchors) => anchors.map((anchor) => (anchor as HTMLAnchorElement).href));
  return [...new Set(hrefs)].filter((href) => {
    const url = new URL(href);
    return url.origin === origin && (url.protocol === "http:" || url.protocol === "https:");
  });
}

async function noSidewaysScroll(page: Page, width: number): Promise<Problem | null> {
  await page.setViewportSize({ width, height: 900 });
  const { scrollWidth, clientWidth, widest } = await page.evaluate(() => {
    const root = document.documentElement;
    // Name the widest element that sticks out, so a failure says where to look.
    let widest = "";
    let right = root.clientWidth;
    for (const element of document.body.querySelectorAll("*")) {
      const box = element.getBoundingClientRect();
      if (box.right > right + 1 && getComputedStyle(element).position !== "fixed") {
        right = box.right;
        widest = `${element.tagName.toLowerCase()}${element.id ? `#${element.id}` : ""}${element.className && typeof element.className === "string" ? `.${element.className.split(" ").join(".")}` : ""}`;
      }
    }
    return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, widest };
  });
  return scrollWidth > clientWidth + 1 ? `${scrollWidth}px wide at ${width}px (widest: ${widest})` : null;
}

test("every page as admin: no dead link, no sideways scroll at 1280 and 390 px, no serious accessibility violation", async ({ browser }) => {
  test.setTimeout(20 * 60_000);
  const { context, page } = await adminSession(browser);
  await seed(context.request);
  const origin = new URL(page.url()).origin;

  // Each problem is printed as found, so a long crawl that times out still says what it saw.
  const found = (list: Problem[]) => ({ push: (problem: Problem) => (console.log(`  problem: ${problem}`), list.push(problem)) });
  const deadLinks: Problem[] = [];
  const badResponses: Problem[] = [];
  const overflow: Problem[] = [];
  const accessibility: Problem[] = [];
  const report = { deadLinks: found(deadLinks), badResponses: found(badResponses), overflow: found(overflow), accessibility: found(accessibility) };
  let current = "/";
  page.on("response", (response) => {
    const url = new URL(response.url());
    if (url.origin !== origin) return;
    if (response.status() === 404 || response.status() >= 500) report.badResponses.push(`${response.status()} ${url.pathname}${url.search} (requested by ${current})`);
  });

  const queue: string[] = [`${origin}/`];
  const seen = new Set(queue);
  const shapes = new Map<string, number>();
  const checkedOther = new Set<string>();
  let visited = 0;
  while (queue.length && visited < MAX_PAGES) {
    const href = queue.shift()!;
    const url = new URL(href);
    current = `${url.pathname}${url.search}`;
    const response = await page.goto(href, { waitUntil: "load" });
    visited++;
    console.log(`  page ${visited}: ${current}`);
    const status = response?.status() ?? 0;
    if (status === 404 || status >= 500) {
      report.deadLinks.push(`${status} ${current}`);
      continue;
    }
    // Client-rendered panels (the policy studio, charts' tables) put their links in after hydration.
    await page.waitForLoadState("domcontentloaded");
    await page.waitForTimeout(250);
    for (const width of WIDTHS) {
      const problem = await noSidewaysScroll(page, width);
      if (problem) report.overflow.push(`${current}: ${problem}`);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    const scan = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
    for (const violation of scan.violations.filter((item) => item.impact === "serious" || item.impact === "critical")) {
      report.accessibility.push(`${current}: ${violation.impact} ${violation.id} (${violation.help}) at ${violation.nodes.map((node) => node.target.join(" ")).slice(0, 3).join(", ")}`);
    }
    for (const link of await internalLinks(page, origin)) {
      const target = new URL(link);
      target.hash = "";
      const key = target.toString();
      if (seen.has(key)) continue;
      seen.add(key);
      // API links (downloads, exports, feeds) are fetched, not opened as pages.
      if (target.pathname.startsWith("/api/")) {
        if (checkedOther.has(target.pathname)) continue;
        checkedOther.add(target.pathname);
        const answer = await context.request.get(key, { maxRedirects: 0 });
        if (answer.status() === 404 || answer.status() >= 500) report.deadLinks.push(`${answer.status()} ${target.pathname}${target.search} (linked from ${current})`);
        continue;
      }
      const shape = shapeOf(target);
      const count = shapes.get(shape) ?? 0;
      if (count >= PER_SHAPE) continue;
      shapes.set(shape, count + 1);
      queue.push(key);
    }
  }
  test.info().annotations.push({ type: "pages visited", description: String(visited) });
  expect(visited, "the crawl found the console's pages").toBeGreaterThan(30);
  // Soft: one run reports every kind of problem, not only the first.
  expect.soft(deadLinks, "links that answer 404 or 5xx").toEqual([]);
  expect.soft(badResponses, "requests a page made (prefetches, assets, API calls) that answered 404 or 5xx").toEqual([]);
  expect.soft(overflow, "pages that scroll sideways").toEqual([]);
  expect.soft(accessibility, "serious or critical axe-core violations").toEqual([]);
  await context.close();
});

/** Screenshots of the pages people keep open, light and dark, kept with the test run. */
test("screenshots of the agent page, decision explorer and approvals inbox, light and dark", async ({ browser }) => {
  test.setTimeout(5 * 60_000);
  const { context, page } = await adminSession(browser);
  await seed(context.request);
  const agents = (await (await context.request.get("/api/v1/agents?limit=1")).json()) as { items: { id: string }[] };
  const agentId = agents.items[0]?.id;
  expect(agentId, "an agent to show").toBeTruthy();
  const pages = [
    { name: "agent", path: `/agents/${encodeURIComponent(agentId!)}` },
    { name: "decision-explorer", path: "/decisions/explore" },
    { name: "approvals-inbox", path: "/approvals" },
  ];
  for (const theme of ["light", "dark"] as const) {
    await context.addCookies([{ name: "steward-theme", value: theme, url: new URL(page.url()).origin }]);
    for (const item of pages) {
      const response = await page.goto(item.path);
      expect(response?.status(), item.path).toBe(200);
      await expect(page.locator("html")).toHaveAttribute("data-theme", theme);
      // Written to the test's output folder (test-results/…) and attached, so they outlive the run.
      const path = test.info().outputPath(`${item.name}-${theme}.png`);
      await page.screenshot({ fullPage: true, path });
      await test.info().attach(`${item.name}-${theme}.png`, { path, contentType: "image/png" });
    }
  }
  await context.close();
});
