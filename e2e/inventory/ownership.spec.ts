import { expect, test } from "@playwright/test";
import { newUserSession } from "../fixtures/auth";

test("a security engineer assigns an owner to a discovered agent and its orphan finding disappears", async ({ browser }) => {
  const { page, context } = await newUserSession(browser, "security");
  const suffix = Date.now().toString(36);

  const person = await page.request.post("/api/v1/people", { data: { name: `Olga Owner ${suffix}`, email: `olga-${suffix}@example.test` } });
  expect(person.status()).toBe(201);
  // The agent is discovered the way shadow agents are: an enforcement point reports a decision for it.
  const registered = await page.request.post("/api/v1/enforcement-points", { data: { name: `gw-${suffix}`, kind: "mcp-gateway" } });
  expect(registered.status(), await registered.text()).toBe(201);
  const { token } = (await registered.json()) as { token: string };
  const ingested = await page.request.post("/api/v1/decisions", {
    headers: { authorization: `Bearer ${token}` },
    data: [{ id: `d-${suffix}`, time: new Date().toISOString(), agent: { id: `shadow-${suffix}` }, action: { name: "crm.read" }, resource: { type: "contact", id: "c-1" }, outcome: "allow" }],
  });
  expect(await ingested.json()).toEqual({ accepted: 1, duplicates: 0, quarantined: [] });

  await page.goto("/agents?finding=orphaned");
  await page.getByRole("link", { name: `shadow-${suffix}` }).click();
  await expect(page.getByRole("heading", { level: 1, name: `shadow-${suffix}` })).toBeVisible();
  await expect(page.locator('li[data-finding="orphaned"][data-status="open"]')).toBeVisible();

  // The owner picker is a combobox: type to filter, arrows to move, Enter to pick.
  const ownership = page.getByRole("form", { name: "Assign ownership" });
  const owner = ownership.getByRole("combobox", { name: "Owner", exact: true });
  await owner.fill(`olga-${suffix}`);
  await expect(owner).toHaveAttribute("aria-expanded", "true");
  const options = ownership.getByRole("listbox", { name: "Owner", exact: true }).getByRole("option");
  await expect(options).toHaveCount(1);
  await expect(options.first()).toContainText(`Olga Owner ${suffix}`);
  await expect(options.first()).toContainText("Directory person");
  await owner.press("ArrowDown");
  await owner.press("Enter");
  await expect(owner).toHaveValue(`Olga Owner ${suffix}`);
  await expect(owner).toHaveAttribute("aria-expanded", "false");
  await ownership.getByRole("button", { name: "Save ownership" }).click();
  await ownership.getByRole("button", { name: "Confirm" }).click();

  await expect(page.getByTestId("agent-owner")).toContainText(`Olga Owner ${suffix}`);
  await expect(page.getByTestId("agent-owner")).toContainText(`<olga-${suffix}@example.test>`);
  await expect(page.locator('li[data-finding="orphaned"][data-status="open"]')).toHaveCount(0);
  await expect(page.locator('li[data-finding="orphaned"][data-status="resolved"]')).toBeVisible();

  await page.goto("/agents?finding=orphaned");
  await expect(page.getByRole("link", { name: `shadow-${suffix}` })).toHaveCount(0);
  await context.close();
});

test("the owner picker adds a new person inline and a console user as a directory person, and Escape closes its list", async ({ browser }) => {
  const { page, context } = await newUserSession(browser, "security");
  const suffix = Date.now().toString(36);
  const created = await page.request.post("/api/v1/agents", { data: { name: `Picker agent ${suffix}` } });
  expect(created.status(), await created.text()).toBe(201);
  const { id: agentId } = (await created.json()) as { id: string };
  await page.goto(`/agents/${agentId}`);

  const ownership = page.getByRole("form", { name: "Assign ownership" });
  const owner = ownership.getByRole("combobox", { name: "Owner", exact: true });
  // Click opens the list; Escape closes it.
  await owner.click();
  await expect(owner).toHaveAttribute("aria-expanded", "true");
  await owner.press("Escape");
  await expect(owner).toHaveAttribute("aria-expanded", "false");

  // Nobody matches a fresh name: the list says what to do, and the person is added inline.
  const newcomer = `Nina Newcomer ${suffix}`;
  await owner.fill(newcomer);
  await expect(ownership.getByText("Nobody matches. Add them below.").first()).toBeVisible();
  await ownership.getByLabel("Name", { exact: true }).first().fill(newcomer);
  await ownership.getByLabel("Email", { exact: true }).first().fill(`nina-${suffix}@example.test`);
  await ownership.getByRole("button", { name: "Add person" }).first().click();
  await expect(ownership.getByText(`${newcomer} was added to the directory and chosen; save to apply.`)).toBeVisible();
  await expect(owner).toHaveValue(newcomer);

  // The backup owner: a console user who is not in the directory yet.
  const backup = ownership.getByRole("combobox", { name: "Backup owner", exact: true });
  await backup.click();
  const userOption = ownership.getByRole("listbox", { name: "Backup owner", exact: true }).getByRole("option").filter({ hasText: "Console user · not in directory" }).first();
  await expect(userOption).toBeVisible();
  const userName = (await userOption.locator(".combobox-label").textContent())!;
  await userOption.click();
  await expect(ownership.getByText(`${userName} was added to the directory and chosen; save to apply.`)).toBeVisible();

  await ownership.getByRole("button", { name: "Save ownership" }).click();
  await ownership.getByRole("button", { name: "Confirm" }).click();
  await expect(page.getByTestId("agent-owner")).toContainText(newcomer);

  // The inline addition is a directory person now.
  const people = await page.request.get(`/api/v1/people?q=${encodeURIComponent(`nina-${suffix}`)}`);
  expect(((await people.json()) as { items: { name: string }[] }).items.map((p) => p.name)).toEqual([newcomer]);
  await context.close();
});

test("the agents list's bulk assign and the new-agent form pick owners with the same searchable picker, adding a person inline", async ({ browser }) => {
  const { page, context } = await newUserSession(browser, "security");
  const suffix = Date.now().toString(36);
  const tag = `bulkpick-${suffix}`;
  const person = await page.request.post("/api/v1/people", { data: { name: `Pia Picked ${suffix}`, email: `pia-${suffix}@example.test` } });
  expect(person.status()).toBe(201);
  for (const name of ["a", "b"]) expect((await page.request.post("/api/v1/agents", { data: { name: `${tag}-${name}` } })).status()).toBe(201);

  await page.goto(`/agents?q=${tag}`);
  await page.getByRole("checkbox", { name: "Select all agents on this page" }).check();
  const bulk = page.getByRole("form", { name: "Bulk assign" });
  const owner = bulk.getByRole("combobox", { name: "Owner", exact: true });
  await owner.fill(`pia-${suffix}`);
  // The search narrows the list to her (the first choice, "Leave unchanged", stays offered).
  const options = bulk.getByRole("listbox", { name: "Owner", exact: true }).getByRole("option");
  await expect(options.filter({ hasText: "Directory person" })).toHaveCount(1);
  await options.filter({ hasText: `Pia Picked ${suffix}` }).click();
  await expect(owner).toHaveValue(`Pia Picked ${suffix}`);
  // The backup owner is someone new, added from the picker itself.
  const backup = bulk.getByRole("combobox", { name: "Backup owner", exact: true });
  await backup.fill(`Bo Backup ${suffix}`);
  await expect(bulk.getByText("Nobody matches. Add them below.").first()).toBeVisible();
  await bulk.getByLabel("Name", { exact: true }).last().fill(`Bo Backup ${suffix}`);
  await bulk.getByLabel("Email", { exact: true }).last().fill(`bo-${suffix}@example.test`);
  await bulk.getByRole("button", { name: "Add person" }).last().click();
  await expect(backup).toHaveValue(`Bo Backup ${suffix}`);
  await bulk.getByRole("button", { name: "Assign" }).click();
  await bulk.getByRole("button", { name: "Confirm" }).click();
  await expect(page.getByText("Ownership updated.")).toBeVisible();
  const listed = (await (await page.request.get(`/api/v1/agents?q=${tag}`)).json()) as { items: { owner: { name: string } | null; backupOwner: { name: string } | null }[] };
  expect(listed.items.map((agent) => [agent.owner?.name, agent.backupOwner?.name])).toEqual([
    [`Pia Picked ${suffix}`, `Bo Backup ${suffix}`],
    [`Pia Picked ${suffix}`, `Bo Backup ${suffix}`],
  ]);

  // Registering an agent: the same picker, and "None / unknown" stays possible for the backup.
  await page.goto("/agents/new");
  await page.getByLabel("Name", { exact: true }).first().fill(`${tag}-new`);
  const newOwner = page.getByRole("combobox", { name: "Owner", exact: true });
  await newOwner.fill(`pia-${suffix}`);
  await page.getByRole("listbox", { name: "Owner", exact: true }).getByRole("option").filter({ hasText: `Pia Picked ${suffix}` }).click();
  await expect(newOwner).toHaveValue(`Pia Picked ${suffix}`);
  await page.getByRole("button", { name: "Register agent" }).click();
  await expect(page.getByRole("heading", { level: 1, name: `${tag}-new` })).toBeVisible();
  await expect(page.getByTestId("agent-owner")).toContainText(`Pia Picked ${suffix}`);
  await context.close();
});
