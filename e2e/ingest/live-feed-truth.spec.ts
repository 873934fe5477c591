import { expect, test, type Page } from "@playwright/test";
import { randomUUID } from "node:crypto";
import net from "node:net";
import { adminSession } from "../fixtures/auth";
import { baseUrl as base, postDecisions, unique } from "../fixtures/ingest";

/** An enforcement point's batch, as curl would send it. */
const post = postDecisions;
const decision = (action: string, time: Date) => ({ id: randomUUID(), time: time.toISOString(), agent: { id: "truth-agent" }, action: { name: action }, resource: { type: "doc", id: "d" }, outcome: "allow" });

async function registerEp(page: Page) {
  const registered = await page.context().request.post("/api/v1/enforcement-points", { data: { name: unique("truth-gw"), kind: "mcp-gateway" } });
  expect(registered.status(), await registered.text()).toBe(201);
  return ((await registered.json()) as { token: string }).token;
}

test("while live, decisions the feed could not show are counted on the page with a way to the explorer", async ({ browser }) => {
  const { context, page } = await adminSession(browser);
  const token = await registerEp(page);
  const action = unique("tool.burst");
  await page.goto(`/decisions?action=${action}`);
  await expect(page.getByRole("status").filter({ hasText: "live" })).toBeVisible();

  // One batch of 450: the stream sends at most 200 per tick and counts the rest.
  const now = Date.now();
  await post(token, Array.from({ length: 450 }, (_, i) => decision(action, new Date(now - 450 + i))));
  const notice = page.getByTestId("feed-skipped");
  await expect(notice).toContainText("more not shown");
  const skipped = Number((await notice.textContent())!.match(/([\d,]+) more not shown/)![1]!.replace(/,/g, ""));
  const rows = page.getByRole("row").filter({ hasText: action });
  await expect(rows).toHaveCount(200);
  // Every decision of the batch is either on the page or in the count: nothing vanishes silently.
  expect(skipped + 200).toBe(450);
  const link = notice.getByRole("link", { name: "open the explorer" });
  expect(await link.getAttribute("href")).toContain(`action=${action}`);

  // Rows are in time order (newest first), whatever order they arrived in.
  const times = await rows.locator("td").first().allTextContents();
  const sorted = [...times].sort().reverse();
  expect(times).toEqual(sorted);
  await context.close();
});

/**
 * A TCP relay between the browser and the console, so the test can cut the network the way a dropped
 * Wi-Fi or a restarted proxy would (Chromium's offline emulation leaves an open stream alone). While
 * cut, it drops every connection at once. Cookies are per host, not per port, so the session works on it.
 */
async function cuttableRelay(port: number, target: URL) {
  const sockets = new Set<net.Socket>();
  let cut = false;
  const server = net.createServer((socket) => {
    if (cut) return socket.destroy();
    const upstream = net.connect(Number(target.port), target.hostname);
    sockets.add(socket);
    sockets.add(upstream);
    const drop = () => {
      socket.destroy();
      upstream.destroy();
      sockets.delete(socket);
      sockets.delete(upstream);
    };
    socket.pipe(upstream).pipe(socket);
    socket.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    cut: () => {
      cut = true;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
    restore: () => {
      cut = false;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

test("the rate falls to 0 after traffic stops, blanks while disconnected, and a reconnect states the gap with a link", async ({ browser }) => {
  const admin = await adminSession(browser);
  const token = await registerEp(admin.page);
  // The page lives on the relay's origin. The admin context stamps the console's own Origin on every request (for its
  // API calls), and Chromium refuses subresources whose forced Origin is not the page's — so the page gets a context
  // with the same session and no forced headers.
  const context = await browser.newContext({ storageState: await admin.context.storageState() });
  await admin.context.close();
  const page = await context.newPage();
  const action = unique("tool.gap");
  // E2E_PORT + 90 stays inside the port range the suite was given.
  const relay = await cuttableRelay(Number(new URL(base()).port) + 90, new URL(base()));
  await page.goto(`${relay.url}/decisions?action=${action}`);
  await expect(page.getByRole("status").filter({ hasText: "live" })).toBeVisible();
  const rate = page.getByTestId("feed-rate");

  await post(token, Array.from({ length: 40 }, () => decision(action, new Date())));
  await expect(rate).not.toHaveText("0 / s");
  await expect(rate).toHaveText("0 / s", { timeout: 5_000 });

  // Cut the connection: the badge says so, and no rate is claimed while no one is measuring.
  relay.cut();
  await expect(page.getByRole("status").filter({ hasText: "reconnecting" })).toBeVisible({ timeout: 15_000 });
  await expect(rate).toHaveText("— / s");
  // Decisions committed while the page is disconnected never reach it over the stream…
  const missed = `${action}-missed`;
  await post(token, [decision(missed, new Date())]);
  relay.restore();
  await expect(page.getByRole("status").filter({ hasText: "live" })).toBeVisible({ timeout: 30_000 });
  // …so the page says which span it missed, with the explorer for it.
  const gap = page.getByTestId("feed-gap");
  await expect(gap).toContainText("Disconnected from");
  const href = (await gap.getByRole("link", { name: "open the explorer for that span" }).getAttribute("href"))!;
  expect(href).toContain(`action=${action}`);
  const span = new URL(href, base()).searchParams;
  expect(Date.parse(span.get("from")!)).toBeLessThan(Date.now());
  expect(Date.parse(span.get("to")!)).toBeGreaterThan(Date.parse(span.get("from")!));
  // The span covers the decision the stream never delivered, and the explorer has it.
  const explorer = await page.context().request.get(`${base()}/api/v1/decisions?action=${missed}&from=${span.get("from")}&to=${span.get("to")}`);
  expect(((await explorer.json()) as { decisions: unknown[] }).decisions).toHaveLength(1);
  await expect(page.getByRole("row").filter({ hasText: missed })).toHaveCount(0);
  await context.close();
  await relay.close();
});
