import { expect, test } from "@playwright/test";
import { randomBytes } from "node:crypto";
import { adminSession, newUserSession } from "../fixtures/auth";

test("a security engineer edits an agent's name, description, environment, credential posture and data sensitivity; it is audited", async ({ browser }) => {
  const { context, page } = await newUserSession(browser, "security");
  const suffix = randomBytes(3).toString("hex");
  const created = await context.request.post("/api/v1/agents", { data: { name: `Ledger bot ${suffix}` } });
  expect(created.status(), await created.text()).toBe(201);
  const { id } = (await created.json()) as { id: string };

  await page.goto(`/agents/${id}`);
  // An inline confirmation closes with Escape, sending nothing.
  const status = page.getByRole("form", { name: "Change status" });
  await status.getByRole("button", { name: "Change status" }).click();
  const confirm = status.getByRole("group", { name: "Confirm" });
  await expect(confirm.getByRole("button", { name: "Confirm" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(confirm).toHaveCount(0);
  await expect(status.getByRole("button", { name: "Change status" })).toBeVisible();

  await page.getByText("Edit details").click();
  const form = page.getByRole("form", { name: "Edit agent details" });
  await form.getByLabel("Name").fill(`Ledger reconciler ${suffix}`);
  await form.getByLabel("Description").fill("Reconciles the ledger nightly");
  await form.getByLabel("Environment").selectOption("prod");
  await form.getByLabel("Credential kind").selectOption("static_api_key");
  await form.getByLabel("Credential lifetime (seconds)").fill("86400");
  await form.getByLabel("Data sensitivity").selectOption("restricted");
  await form.getByRole("button", { name: "Save details" }).click();
  await expect(form.getByText("Details saved.")).toBeVisible();

  await page.reload();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(`Ledger reconciler ${suffix}`);
  const summary = page.getByRole("region", { name: "Summary" });
  await expect(summary).toContainText("Reconciles the ledger nightly");
  await expect(summary).toContainText("static_api_key, lives up to 86400s");
  await expect(summary).toContainText("restricted");
  const agent = (await (await context.request.get(`/api/v1/agents/${id}`)).json()) as Record<string, unknown>;
  expect(agent).toMatchObject({ name: `Ledger reconciler ${suffix}`, environment: "prod", credentialKind: "static_api_key", credentialMaxLifetimeSeconds: 86400, dataSensitivity: "restricted" });
  await context.close();

  // The change is in the audit trail, by agent id.
  const admin = await adminSession(browser);
  await admin.page.goto(`/audit?${new URLSearchParams({ entity: id, action: "agent.update" })}`);
  await expect(admin.page.locator("tbody tr").first()).toContainText("agent.update");
  await admin.context.close();
});

test("a viewer sees an agent's details but no form to edit them", async ({ browser }) => {
  const admin = await adminSession(browser);
  const created = await admin.context.request.post("/api/v1/agents", { data: { name: `Viewer check ${randomBytes(3).toString("hex")}` } });
  const { id } = (await created.json()) as { id: string };
  await admin.context.close();
  const { context, page } = await newUserSession(browser, "viewer");
  await page.goto(`/agents/${id}`);
  await expect(page.getByRole("region", { name: "Summary" })).toBeVisible();
  await expect(page.getByText("Edit details")).toHaveCount(0);
  await context.close();
});
