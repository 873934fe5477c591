import { expect, test } from "@playwright/test";
import { adminSession } from "../fixtures/auth";

/**
 * Hostile inputs against the running server, through every kind of reader: a JSON body (console API,
 * AuthZEN) is refused with a 4xx naming the limit, a bad query string with a 400 naming the parameter,
 * and a console page with a mangled filter still renders (never a 500).
 */
test("bodies past the size or depth limit and bad query strings are 4xx naming what is wrong", async ({ browser }) => {
  test.setTimeout(120_000);
  const { page, context } = await adminSession(browser);
  const registered = await page.request.post("/api/v1/enforcement-points", { data: { name: `inputs-gw-${Date.now().toString(36)}`, kind: "mcp-gateway" } });
  expect(registered.status(), await registered.text()).toBe(201);
  const { token } = (await registered.json()) as { token: string };

  // 9 MiB of nesting to the AuthZEN PDP: a 400 naming the depth limit, not a 500.
  const levels = 4.5 * 1024 * 1024;
  const nested = "[".repeat(levels) + "]".repeat(levels);
  const evaluation = await page.request.post("/access/v1/evaluation", { headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, data: nested });
  expect(evaluation.status()).toBe(400);
  expect(await evaluation.text()).toMatch(/deeper than the limit of 64 levels \(maxDepth\)/);
  const batch = await page.request.post("/access/v1/evaluations", { headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, data: '{"evaluations":' + "[".repeat(200) + "]".repeat(200) + "}" });
  expect(batch.status()).toBe(400);

  // A console API route: too deep is a 400, too large a 413, each naming its limit.
  const deep = await page.request.post("/api/v1/agents", { headers: { "content-type": "application/json" }, data: `{"name":"x","description":${"[".repeat(100)}${"]".repeat(100)}}` });
  expect(deep.status()).toBe(400);
  expect(((await deep.json()) as { error: { message: string } }).error.message).toMatch(/maxDepth/);
  const large = await page.request.post("/api/v1/policies", { headers: { "content-type": "application/json" }, data: JSON.stringify({ source: "x".repeat(11 * 1024 * 1024) }) });
  expect(large.status()).toBe(413);
  expect(((await large.json()) as { error: { message: string } }).error.message).toMatch(/limit of 10 MiB \(maxWireBytes\)/);

  // Bad query strings on the API: 400 naming the parameter.
  for (const [url, parameter] of [
    ["/api/v1/agents?q=%00", "?q"],
    ["/api/v1/agents?limit=abc", "?limit"],
    ["/api/v1/people?q=%00", "?q"],
    ["/api/v1/decisions?q=%00", "?q"],
    ["/api/v1/decisions?cursor=WyJ4Il0", "?cursor"],
    ["/api/v1/decisions/quarantine?before=99999999999999999999", "?before"],
  ] as const) {
    const response = await page.request.get(url);
    expect(response.status(), url).toBe(400);
    expect(((await response.json()) as { error: { path: string } }).error.path, url).toBe(parameter);
  }

  // The same on console pages: the page renders with its defaults.
  for (const url of ["/agents?q=%00", "/agents/people?q=%00", "/audit?actor=%00&from=-271821-04-20", "/decisions?q=%00", "/decisions/explore?q=%00&cursor=%00", "/decisions/view?ep=%00&id=x&time=1"]) {
    const response = await page.goto(url);
    expect(response?.status(), url).toBeLessThan(500);
  }
  await context.close();
});
