import { expect, test } from "@playwright/test";
import { randomBytes } from "node:crypto";
import { adminSession } from "../fixtures/auth";

const unique = (label: string) => `${label}-${randomBytes(3).toString("hex")}`;

test("an EP's audiences: a bad line is named at the field, what was typed stays, focus lands on it; a good list saves", async ({ browser }) => {
  const { context, page } = await adminSession(browser);
  const name = unique("e2e-aud");
  const registered = await context.request.post("/api/v1/enforcement-points", { data: { name, kind: "mcp-gateway", audiences: ["https://gw-a.example"] } });
  expect(registered.status(), await registered.text()).toBe(201);

  await page.goto("/enforcement-points");
  const row = page.getByRole("row").filter({ hasText: name });
  await row.getByRole("button", { name: "Audiences" }).click();
  const field = row.getByLabel("Resource URIs it serves (one a line)");
  await expect(field).toHaveValue("https://gw-a.example");

  // The second entry is not an absolute URI: refused at the field, by entry and value, keyboard focus on it.
  await field.fill("https://gw-a.example\ngateway.internal/mcp");
  await field.press("Tab");
  await page.keyboard.press("Enter");
  await expect(row.getByText("Entry 2: gateway.internal/mcp is not an absolute URI")).toBeVisible();
  await expect(field).toHaveAttribute("aria-invalid", "true");
  await expect(field).toHaveValue("https://gw-a.example\ngateway.internal/mcp");
  await expect(field).toBeFocused();

  await field.fill("https://gw-a.example\nhttps://gw-b.example");
  await row.getByRole("button", { name: "Save audiences" }).click();
  await expect(row.getByText("Audiences saved.")).toBeVisible();
  const listed = (await (await context.request.get("/api/v1/enforcement-points")).json()) as { enforcementPoints: { name: string; audiences: string[] }[] };
  expect(listed.enforcementPoints.find((ep) => ep.name === name)?.audiences).toEqual(["https://gw-a.example", "https://gw-b.example"]);
});

test("registering with a bad audience keeps every typed field and says which entry is wrong", async ({ browser }) => {
  const { page } = await adminSession(browser);
  const name = unique("e2e-aud-reg");
  await page.goto("/enforcement-points");
  const form = page.getByRole("region", { name: "Register an enforcement point" });
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Kind").selectOption("policy-engine");
  await form.getByLabel("Environment").fill("prod");
  await form.getByLabel("Audiences").fill("not a uri");
  await form.getByRole("button", { name: "Register and show token" }).click();
  await expect(form.getByText("Entry 1: not a uri is not an absolute URI")).toBeVisible();
  await expect(form.getByLabel("Name")).toHaveValue(name);
  // The select too: React's reset after the action must not put the default kind back.
  await expect(form.getByLabel("Kind")).toHaveValue("policy-engine");
  await expect(form.getByLabel("Environment")).toHaveValue("prod");
  await expect(form.getByLabel("Audiences")).toHaveValue("not a uri");
  await expect(form.getByLabel("Audiences")).toBeFocused();
});

test("a new mcp-gateway EP's token comes with the Steward Gateway's start command, its audience as the public URL", async ({ browser }) => {
  const { page } = await adminSession(browser);
  await page.goto("/enforcement-points");
  const form = page.getByRole("region", { name: "Register an enforcement point" });
  await form.getByLabel("Name").fill(unique("e2e-gw-snippet"));
  await form.getByLabel("Kind").selectOption("mcp-gateway");
  await form.getByLabel("Audiences").fill("https://gw.e2e.example");
  await form.getByRole("button", { name: "Register and show token" }).click();
  const token = (await page.getByTestId("issued-token").textContent())!.trim();
  // The gateway's block is the first, open, and carries everything the gateway needs to start.
  const snippet = page.getByTestId("sender-snippet-steward-gateway");
  await expect(snippet).toBeVisible();
  await expect(snippet).toContainText(`STEWARD_GATEWAY_TOKEN=${token}`);
  await expect(snippet).toContainText("STEWARD_GATEWAY_PUBLIC_URL=https://gw.e2e.example");
  await expect(snippet).toContainText("npm run gateway");
  await expect(page.getByRole("button", { name: "Copy Steward Gateway (npm run gateway) config" })).toBeVisible();
});

test("the Audiences hint follows the kind: a gateway's public URL only for mcp-gateway, what it protects for the others", async ({ browser }) => {
  const { page } = await adminSession(browser);
  await page.goto("/enforcement-points");
  const form = page.getByRole("region", { name: "Register an enforcement point" });
  const audiences = form.getByLabel("Audiences");
  await expect(form.getByLabel("Kind")).toHaveValue("mcp-gateway");
  await expect(audiences).toHaveAccessibleDescription(/^This Steward Gateway's public URL/);
  for (const kind of ["policy-engine", "sidecar", "api-gateway", "other"]) {
    await form.getByLabel("Kind").selectOption(kind);
    await expect(audiences).toHaveAccessibleDescription(/^Optional: the resource URIs \(RFC 8707\) of what this enforcement point protects/);
    await expect(audiences).not.toHaveAccessibleDescription(/gateway/i);
  }
  // A refused submission keeps the kind, and the hint stays the kind's.
  await form.getByLabel("Name").fill(unique("e2e-aud-hint"));
  await audiences.fill("not a uri");
  await form.getByRole("button", { name: "Register and show token" }).click();
  await expect(form.getByLabel("Kind")).toHaveValue("other");
  await expect(form.getByText(/^Optional: the resource URIs/)).toBeVisible();
  await form.getByLabel("Kind").selectOption("mcp-gateway");
  await expect(audiences).toHaveAccessibleDescription(/^This Steward Gateway's public URL/);
});
