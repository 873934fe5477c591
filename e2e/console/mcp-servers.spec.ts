import { expect, test } from "@playwright/test";
import { randomBytes } from "node:crypto";
import { adminSession, newUserSession } from "../fixtures/auth";

const unique = (label: string) => `${label}-${randomBytes(3).toString("hex")}`;

test("an engineer registers MCP servers on /mcp-servers, a duplicate name is refused at the field, and a server is removed after a confirmation", async ({ browser }) => {
  const { context, page } = await newUserSession(browser, "security");
  const name = unique("e2e-crm");
  await page.goto("/mcp-servers");
  const form = page.getByRole("region", { name: "Register an MCP server" });

  // An http server: it appears in the table, and the form is cleared for the next one.
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("URL").fill("https://crm.internal/mcp");
  await form.getByLabel("Environment").fill("prod");
  await form.getByLabel("Data sensitivity").selectOption("confidential");
  await form.getByRole("button", { name: "Register server" }).click();
  await expect(form.getByRole("status").filter({ hasText: `Registered ${name}` })).toContainText(`/mcp/${name}`);
  const table = page.getByRole("table", { name: "Registered MCP servers" });
  const row = table.getByRole("row").filter({ has: page.getByRole("rowheader", { name: name, exact: true }) });
  await expect(row).toContainText("https://crm.internal/mcp");
  await expect(row).toContainText("prod");
  await expect(row).toContainText("confidential");
  await expect(form.getByLabel("Name")).toHaveValue("");

  // The same name again: a 409-class refusal said at the Name field, what was typed kept, focus on the field.
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("URL").fill("https://other.internal/mcp");
  await form.getByRole("button", { name: "Register server" }).click();
  await expect(form.getByText(`An MCP server named ${name} already exists`)).toBeVisible();
  await expect(form.getByLabel("Name")).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByLabel("Name")).toHaveValue(name);
  await expect(form.getByLabel("URL")).toHaveValue("https://other.internal/mcp");
  await expect(form.getByLabel("Name")).toBeFocused();
  await expect(table.getByRole("rowheader", { name: name, exact: true })).toHaveCount(1);

  // A stdio server: the command and one argument per line replace the URL; a missing command is named at its field.
  const stdioName = unique("e2e-files");
  await form.getByLabel("Name").fill(stdioName);
  await form.getByLabel("Transport").selectOption("stdio");
  await expect(form.getByLabel("URL")).toHaveCount(0);
  await form.getByLabel("Arguments").fill("-y\n@acme/files-mcp\n");
  await form.getByRole("button", { name: "Register server" }).click();
  await expect(form.getByText("A stdio server needs a command")).toBeVisible();
  await expect(form.getByLabel("Command")).toBeFocused();
  await expect(form.getByLabel("Arguments")).toHaveValue("-y\n@acme/files-mcp\n");
  await form.getByLabel("Command").fill("npx");
  await form.getByRole("button", { name: "Register server" }).click();
  await expect(form.getByRole("status").filter({ hasText: `Registered ${stdioName}` })).toBeVisible();
  await expect(table.getByRole("row").filter({ has: page.getByRole("rowheader", { name: stdioName, exact: true }) })).toContainText("npx -y @acme/files-mcp");

  // Remove: the confirmation says what gateways do; Cancel keeps the server, Remove takes it off the list.
  await row.getByRole("button", { name: "Remove" }).click();
  const dialog = page.getByRole("dialog", { name: `Remove MCP server ${name}` });
  await expect(dialog).toContainText("Gateways stop pulling");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await expect(row).toBeVisible();
  await row.getByRole("button", { name: "Remove" }).click();
  await dialog.getByRole("button", { name: "Remove" }).click();
  await expect(table.getByRole("rowheader", { name: name, exact: true })).toHaveCount(0);
  const listed = (await (await context.request.get("/api/v1/mcp-servers")).json()) as { mcpServers: { name: string }[] };
  const names = listed.mcpServers.map((server) => server.name);
  expect(names).toContain(stdioName);
  expect(names).not.toContain(name);
  await context.close();
});

test("a viewer sees the registered servers but no register form and no remove button", async ({ browser }) => {
  const admin = await adminSession(browser);
  const name = unique("e2e-viewed");
  const registered = await admin.context.request.post("/api/v1/mcp-servers", { data: { name, transport: "http", url: "https://viewed.internal/mcp" } });
  expect(registered.status(), await registered.text()).toBe(201);
  await admin.context.close();

  const { context, page } = await newUserSession(browser, "viewer");
  await page.goto("/mcp-servers");
  const row = page.getByRole("table", { name: "Registered MCP servers" }).getByRole("row").filter({ has: page.getByRole("rowheader", { name: name, exact: true }) });
  await expect(row).toContainText("https://viewed.internal/mcp");
  await expect(page.getByRole("region", { name: "Register an MCP server" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Remove" })).toHaveCount(0);
  await context.close();
});
