import { expect, test, type Locator } from "@playwright/test";
import { randomBytes, randomUUID } from "node:crypto";
import { adminSession } from "../fixtures/auth";

const base = () => test.info().project.use.baseURL!;
const unique = (label: string) => `${label}-${randomBytes(3).toString("hex")}`;

async function postDecision(token: string, decision: Record<string, unknown>) {
  const response = await fetch(new URL("/api/v1/decisions", base()), {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify([decision]),
  });
  expect(response.status, await response.clone().text()).toBe(200);
}

/** The agent cell shows the agent's name as a link to its page, and its id only on hover. */
async function expectAgentLink(scope: Locator, name: string, agentId: string) {
  const link = scope.getByRole("link", { name: new RegExp(`^${name}`) });
  await expect(link).toHaveAttribute("href", `/agents/${agentId}`);
  await expect(scope.locator(`[data-entity-kind="agent"][data-entity-id="${agentId}"]`).first()).toHaveAttribute("title", `Agent ${agentId}`);
}

test("the live feed, the explorer and the audit trail name an agent and link to it, never showing its id alone", async ({ browser }) => {
  const { context, page } = await adminSession(browser);
  const epName = unique("names-gw");
  const registered = await context.request.post("/api/v1/enforcement-points", { data: { name: epName, kind: "mcp-gateway" } });
  expect(registered.status(), await registered.text()).toBe(201);
  const { token } = (await registered.json()) as { token: string };

  const ref = unique("ref");
  const firstAction = unique("tool.first");
  await postDecision(token, { id: randomUUID(), time: new Date().toISOString(), agent: { id: ref }, action: { name: firstAction }, resource: { type: "doc", id: "d-1" }, outcome: "allow" });
  const listed = await context.request.get(`/api/v1/agents?q=${ref}`);
  const [agent] = ((await listed.json()) as { items: { id: string; name: string }[] }).items;
  expect(agent).toBeDefined();
  // Rename the discovered agent (audited), so the name shown cannot be the reference the EP sent.
  const name = unique("Billing assistant");
  const renamed = await context.request.patch(`/api/v1/agents/${agent!.id}`, { data: { name } });
  expect(renamed.status(), await renamed.text()).toBe(200);

  // Live feed: the opening history, then a decision streamed after the page opened.
  await page.goto("/decisions");
  await expect(page.getByRole("status").filter({ hasText: "live" })).toBeVisible();
  const backfilled = page.getByRole("row").filter({ hasText: firstAction });
  await expectAgentLink(backfilled, name, agent!.id);
  await expect(backfilled.getByRole("link", { name: new RegExp(`^${epName}`) })).toBeVisible();
  const liveAction = unique("tool.live");
  await postDecision(token, { id: randomUUID(), time: new Date().toISOString(), agent: { id: ref }, action: { name: liveAction }, resource: { type: "doc", id: "d-2" }, outcome: "deny" });
  const streamed = page.getByRole("row").filter({ hasText: liveAction });
  await expect(streamed).toBeVisible({ timeout: 5_000 });
  await expectAgentLink(streamed, name, agent!.id);

  // Explorer.
  await page.goto(`/decisions/explore?action=${encodeURIComponent(firstAction)}`);
  const explored = page.getByRole("row").filter({ hasText: firstAction });
  await expectAgentLink(explored, name, agent!.id);

  // Audit: the rename is listed against the agent by its name.
  await page.goto(`/audit?entity=${agent!.id}`);
  const entry = page.getByRole("row").filter({ hasText: "agent.update" }).first();
  await expectAgentLink(entry, name, agent!.id);
  await entry.getByRole("link", { name: new RegExp(`^${name}`) }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();

  // Replay filters: the agent and the EP are picked by name from searchable lists, not typed as ids.
  await page.goto("/policies");
  await page.getByRole("button", { name: "Replay", exact: true }).click();
  const agentPicker = page.getByRole("combobox", { name: "Agent", exact: true });
  await agentPicker.fill(name);
  const agentOption = page.getByRole("listbox", { name: "Agent", exact: true }).getByRole("option").filter({ hasText: name });
  // The server's matches replace the unfiltered first page: "Any agent" and this one.
  await expect(page.getByRole("listbox", { name: "Agent", exact: true }).getByRole("option")).toHaveCount(2);
  await expect(agentOption).toHaveCount(1);
  await expect(agentOption).toContainText(agent!.id);
  await agentPicker.press("ArrowDown");
  await agentPicker.press("Enter");
  await expect(agentPicker).toHaveValue(name);
  const epPicker = page.getByRole("combobox", { name: "Enforcement point", exact: true });
  await epPicker.fill(epName);
  await epPicker.press("ArrowDown");
  await epPicker.press("Enter");
  await expect(epPicker).toHaveValue(epName);
  await context.close();
});
