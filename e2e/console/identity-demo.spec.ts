import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect, test } from "@playwright/test";
import { adminSession, apiTokenFor, consoleOrigin } from "../fixtures/auth";

/**
 * Issue #13's acceptance: the demo agents get their tokens from Steward by token exchange
 * (SPIFFE-style identities minted by scripts/demo-identity.ts), delegate with narrowing, and the
 * task page shows the tree.
 */
test("the identity demo's agents exchange SVIDs for task tokens, delegate with narrowing, and the task page shows the tree", async ({ browser }) => {
  test.setTimeout(180_000);
  const { page, context } = await adminSession(browser);
  const token = await apiTokenFor(context, "identity demo");
  const { stdout } = await promisify(execFile)("node", ["--import", "tsx", "scripts/demo-identity.ts", "--tasks", "2", "--url", consoleOrigin()], { env: { ...process.env, STEWARD_TOKEN: token }, timeout: 150_000 });
  // Each task: the planner's token, two narrowed delegations, and a refused widening.
  expect(stdout).toMatch(/planner \[crm\.search crm\.read_contact mail\.draft\] → crm \[crm\.read_contact\] , mail \[mail\.draft\]; widening to mail\.send: invalid_scope/);
  const taskId = /task (tsk_[\w-]+)/.exec(stdout)![1]!;

  await page.goto(`/tasks/${taskId}`);
  const tree = page.locator("section", { has: page.getByRole("heading", { name: "Delegation tree" }) });
  await expect(tree).toContainText("identity-demo-planner");
  await expect(tree).toContainText("identity-demo-crm");
  await expect(tree).toContainText("identity-demo-mail");
  // The delegates sit under the planner, each with its narrowed scope.
  await expect(tree.locator("li li").filter({ hasText: "identity-demo-crm" })).toContainText("crm.read_contact");
  await expect(tree.locator("li li").filter({ hasText: "identity-demo-mail" })).toContainText("mail.draft");
  await expect(tree.locator("li li").filter({ hasText: "identity-demo-mail" })).not.toContainText("mail.send");

  // The planner's page reads its credential posture from what was observed: task tokens of at most 5 minutes.
  await tree.getByRole("link", { name: "identity-demo-planner" }).first().click();
  const posture = page.locator("section", { has: page.getByRole("heading", { name: "Credential posture (observed)" }) });
  await expect(posture).toContainText(/task tokens\s+\d+ task tokens? in the last 30 days, each living at most 5 min/);
  await expect(posture).toContainText("spiffe://demo.steward/agent/identity-demo-planner");
  // Its recent decisions are the token service's grants: each says it was a token issuance, so an "allow" there is
  // not read as a call that went through.
  const recent = page.getByRole("table", { name: "Recent decisions" });
  const grant = recent.getByRole("row").filter({ hasText: "crm.read_contact" }).first();
  await expect(grant).toContainText("token issuance");
  await expect(grant.getByTitle(/granted or refused in a task token/)).toBeVisible();
  // The explorer labels them the same way.
  await page.goto(`/decisions/explore?agent=${encodeURIComponent(new URL(page.url()).pathname.split("/").pop()!)}`);
  await expect(page.getByRole("row").filter({ hasText: "crm.read_contact" }).first()).toContainText("token issuance");
  await context.close();
});
