import { expect, test } from "@playwright/test";
import { newUserSession } from "../fixtures/auth";

/**
 * The whole loop in a real browser at phone width: a requestable forbid denies an agent's
 * destructive call, its enforcement point submits an access request and long-polls it, the
 * request appears live in the owner's inbox (and the nav badge), its card counts down the PEP's hold
 * (held_until) and then says the call stopped waiting, the owner approves from a 390 px wide screen,
 * the waiting long-poll completes, and the re-evaluation is allowed.
 */
test("an owner approves a waiting destructive call from a phone-width inbox", async ({ browser }) => {
  // Two people, a live inbox and the decision ↔ approval links: slower than one page on a loaded machine.
  test.setTimeout(180_000);
  const suffix = Date.now().toString(36);
  const engineer = await newUserSession(browser, "security");
  const owner = await newUserSession(browser, "viewer");
  const api = engineer.context.request;

  const person = await api.post("/api/v1/people", { data: { name: `Olive Owner ${suffix}`, email: owner.email } });
  expect(person.status(), await person.text()).toBe(201);
  const personId = ((await person.json()) as { id?: string; person?: { id: string } }).person?.id ?? ((await person.json()) as { id: string }).id;
  const agent = await api.post("/api/v1/agents", { data: { name: `cleanup-bot-${suffix}`, status: "active", ownerId: personId, declaredActions: ["call_tool"] } });
  expect(agent.status(), await agent.text()).toBe(201);
  const agentId = ((await agent.json()) as { id?: string; agent?: { id: string } }).agent?.id ?? ((await agent.json()) as { id: string }).id;
  const registered = await api.post("/api/v1/enforcement-points", { data: { name: `gw-approvals-${suffix}`, kind: "mcp-gateway" } });
  expect(registered.status(), await registered.text()).toBe(201);
  const { token } = (await registered.json()) as { token: string };
  const ep = { authorization: `Bearer ${token}` };

  const tool = `db.drop_table_${suffix}`;
  const policyIds: string[] = [];
  for (const source of ["permit (principal, action, resource);", `@approval("owner")\nforbid (principal, action, resource)\nwhen { context.destructive && resource == Steward::Tool::"${tool}" };`]) {
    const saved = await api.post("/api/v1/policies", { data: { description: `approvals e2e ${suffix}`, source } });
    expect(saved.status(), await saved.text()).toBe(201);
    policyIds.push(((await saved.json()) as { policy: { id: string } }).policy.id);
  }
  const published = await api.post("/api/v1/policies/publish", { data: { message: `approvals e2e ${suffix}` } });
  expect(published.status(), await published.text()).toBe(201);

  // The owner watches the inbox on a phone-width screen before anything is requested.
  const page = owner.page;
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/approvals");
  await expect(page.getByRole("heading", { level: 1, name: "Approvals" })).toBeVisible();

  const call = { subject: { type: "agent", id: agentId }, action: { name: "tools/call" }, resource: { type: "tool", id: tool }, context: { destructive: true, arguments: { table: "sessions", api_key: "sk_live_abcdefghijkl" }, task_id: `task-${suffix}` } };
  const denied = await api.post("/access/v1/evaluation", { headers: ep, data: call });
  const denial = (await denied.json()) as { decision: boolean; context: { access_request: { binding_token: string; expires_at: string } } };
  expect(denial.decision).toBe(false);
  // The PEP says it holds the agent's call open for 30 s (as the gateway does): the card shows that, not only the expiry.
  const heldUntil = new Date(Date.now() + 30_000);
  const submitted = await api.post("/access/v1/requests", {
    headers: { ...ep, "idempotency-key": `e2e-${suffix}` },
    data: { ...call, justification: "nightly cleanup", denial: { binding_token: denial.context.access_request.binding_token, expires_at: denial.context.access_request.expires_at }, held_until: heldUntil.toISOString() },
  });
  expect(submitted.status(), await submitted.text()).toBe(202);
  const { task } = (await submitted.json()) as { task: { id: string; status_endpoint: string; expires_at: string; held_until: string } };
  expect(new URL(task.status_endpoint).pathname).toBe(`/access/v1/requests/${task.id}`);
  expect(task.held_until).toBe(heldUntil.toISOString());
  const clock = `${heldUntil.toISOString().slice(11, 19)} UTC`;

  // It appears live: no reload; the badge counts it; the secret argument is masked.
  const card = page.getByTestId("approval-card").filter({ hasText: tool });
  await expect(card).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId("approvals-badge")).toHaveText("1");
  // The number is shown and hidden from screen readers; the link reads "Approvals, 1 pending for you".
  await expect(page.locator("a:has([data-testid=approvals-badge]) .visually-hidden")).toHaveText(", 1 pending for you");
  await expect(card).toContainText("nightly cleanup");
  await expect(card).not.toContainText("sk_live_abcdefghijkl");
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  // While the PEP holds the call: until when, and the seconds left, ticking.
  const hold = card.getByTestId("approval-hold");
  await expect(hold).toHaveText(new RegExp(`^The call waits until ${clock} \\(\\d+ s left\\)$`));
  const counted = await hold.textContent();
  await expect(hold).not.toHaveText(counted!);
  await expect(hold).toHaveText(new RegExp(`^The call waits until ${clock} \\(\\d+ s left\\)$`));
  // Once the hold passed: the call no longer waits; approving lets the agent's next attempt through until the request expires.
  const expiry = `${task.expires_at.slice(0, 16).replace("T", " ")} UTC`;
  await expect(hold).toHaveText(`The call stopped waiting at ${clock}; approving now lets the agent's next attempt through until ${expiry}`, { timeout: 40_000 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  // The PEP (a retry of the call) waits by long-poll while the person decides.
  const waiting = api.get(`/access/v1/requests/${task.id}?wait=30`, { headers: ep, timeout: 40_000 });

  await card.getByLabel("Comment (kept in the audit trail)").fill("ok, staging only");
  await card.getByRole("button", { name: /^Approve/ }).click();
  // The card leaves the pending list; a status line says what the click did.
  // The hold had passed: the line says the approval reaches the agent's next attempt, not the call that stopped waiting.
  const decided = page.getByRole("status").filter({ hasText: `Approved — the call stopped waiting at ${clock}; the agent's next attempt of tools/call on ${tool} passes.` });
  await expect(decided).toBeVisible();
  // The Approve button went with the card: keyboard focus lands on the line, not on the page.
  await expect(decided.locator("p")).toBeFocused();

  const answer = await waiting;
  expect(answer.status()).toBe(200);
  const done = (await answer.json()) as { task: { status: string }; result: { approval: { id: string } } };
  expect(done.task.status).toBe("approved");
  await expect(page.getByTestId("approvals-badge")).toHaveCount(0);

  const allowed = await api.post("/access/v1/evaluation", { headers: ep, data: { ...call, context: { ...call.context, approval: done.result.approval } } });
  expect(((await allowed.json()) as { decision: boolean }).decision).toBe(true);
  const changed = await api.post("/access/v1/evaluation", { headers: ep, data: { ...call, context: { ...call.context, arguments: { table: "users" }, approval: done.result.approval } } });
  expect(((await changed.json()) as { decision: boolean }).decision).toBe(false);

  // History shows who decided, with the comment.
  const views = page.getByRole("navigation", { name: "Approvals views" });
  await views.getByRole("button", { name: "History" }).click();
  await expect(page.getByTestId("approval-card").filter({ hasText: tool })).toContainText("ok, staging only");
  // The tab is in the address: a reload keeps it, back returns to Pending.
  await expect(page).toHaveURL(/\/approvals\?view=history$/);
  await page.reload();
  await expect(views.getByRole("button", { name: "History" })).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByTestId("approval-card").filter({ hasText: tool })).toContainText("ok, staging only");
  await page.goBack();
  await expect(page).toHaveURL(/\/approvals$/);
  await expect(views.getByRole("button", { name: "Pending" })).toHaveAttribute("aria-pressed", "true");

  // The decision the approval let through links to the request, and the request back to it.
  await page.goto(`/approvals?request=${task.id}`);
  // Opened by link: the card shows its context (task, decisions) already.
  const linked = page.getByRole("region", { name: `Access request ${task.id}` });
  const decisionLink = linked.getByTestId("approval-decisions").getByRole("link", { name: /allow/ });
  await expect(decisionLink).toBeVisible({ timeout: 15_000 });
  await decisionLink.click();
  await expect(page.getByTestId("decision-approval-link")).toHaveText(`Access request ${task.id}`);
  // The lifted deny reads as words, naming who approved; the policy and approval ids stay one click away.
  const reasons = page.getByTestId("decision-reasons");
  await expect(reasons).toContainText("Allowed after approval by E2E viewer");
  await expect(reasons.getByText(/lifted by approval apr_/)).toBeHidden();
  await reasons.getByText("Policy and approval ids").click();
  await expect(reasons.getByText(new RegExp(`^${policyIds[1]} \\(lifted by approval ${done.result.approval.id}\\)$`))).toBeVisible();
  await page.getByTestId("decision-approval-link").click();
  await expect(page).toHaveURL(new RegExp(`/approvals\\?request=${task.id}$`));
  await expect(page.getByRole("region", { name: `Access request ${task.id}` })).toContainText("approved");

  for (const id of policyIds) await api.delete(`/api/v1/policies/${id}`);
  await engineer.context.close();
  await owner.context.close();
});
