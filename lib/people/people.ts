import { getDb, type Tx } from "@/db/client";
import { countAgentsByOwner, getPersonByEmail, getPersonByExternalId, getPersonOrThrow, getTeamOrThrow, insertPersonRow, listPeople as listPeopleRows, updatePersonRow, type PersonRow } from "@/db/people";
import { getUserById } from "@/db/users";
import { recordAudit } from "../audit/record-audit";
import { requirePermission } from "../auth/require-permission";
import { withTransaction, type Ctx } from "../context";
import { StewardError } from "../errors";
import { newId } from "../ids";
import { offboardInTransaction } from "./offboard-person";
import { CreatePersonInput, ListPeopleQuery, UpdatePersonInput, UpsertPersonBody, type PersonView } from "./schemas";

export const toPersonView = (row: PersonRow): PersonView => ({
  id: row.id,
  externalId: row.externalId,
  name: row.name,
  email: row.email,
  teamId: row.teamId,
  userId: row.userId,
  active: row.active,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
});

async function validatePerson(tx: Tx, personId: string | null, data: Partial<CreatePersonInput>) {
  if (data.email) {
    const existing = await getPersonByEmail(tx, data.email);
    if (existing && existing.id !== personId) throw new StewardError("conflict", `${data.email} already belongs to ${existing.name} (${existing.id})`, { path: "email" });
  }
  if (data.externalId) {
    const existing = await getPersonByExternalId(tx, data.externalId);
    if (existing && existing.id !== personId) throw new StewardError("conflict", `External id ${data.externalId} already belongs to ${existing.name}`, { path: "externalId" });
  }
  if (data.teamId) await getTeamOrThrow(tx, data.teamId, "teamId");
  if (data.userId && !(await getUserById(tx, data.userId))) throw new StewardError("not_found", `User ${data.userId} does not exist`, { path: "userId" });
}

export type CreatePersonInput = import("zod").infer<typeof CreatePersonInput>;

export async function insertPerson(tx: Tx, data: CreatePersonInput): Promise<PersonRow> {
  await validatePerson(tx, null, data);
  return insertPersonRow(tx, { id: newId("per"), name: data.name, email: data.email, externalId: data.externalId ?? null, teamId: data.teamId ?? null, userId: data.userId ?? null, active: data.active ?? true });
}

export async function createPerson({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<PersonView> {
  requirePermission(ctx.actor, "agents.write");
  const data = CreatePersonInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    const view = toPersonView(await insertPerson(tx, data));
    await recordAudit(tx, ctx, { action: "person.create", entityType: "person", entityId: view.id, after: view });
    return view;
  });
}

/** Setting active=false offboards: their agents move to a backup, a team queue, or become orphaned. */
export async function patchPerson(tx: Tx, ctx: Ctx, before: PersonRow, changes: Partial<CreatePersonInput>): Promise<PersonRow> {
  await validatePerson(tx, before.id, changes);
  const { active, ...rest } = changes;
  const columns = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  const row = await updatePersonRow(tx, before.id, { ...columns, ...(active === true ? { active: true } : {}), updatedAt: new Date() });
  if (active === false && before.active) return offboardInTransaction(tx, ctx, row);
  return row;
}

export async function updatePerson({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<PersonView> {
  requirePermission(ctx.actor, "agents.write");
  const { personId, changes } = UpdatePersonInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    const before = await getPersonOrThrow(tx, personId);
    const after = await patchPerson(tx, ctx, before, changes);
    await recordAudit(tx, ctx, { action: "person.update", entityType: "person", entityId: personId, before: toPersonView(before), after: toPersonView(after) });
    return toPersonView(after);
  });
}

export async function listPeople({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "agents.read");
  const query = ListPeopleQuery.parse(input ?? {});
  const { rows, total } = await listPeopleRows(ctx.tx ?? (await getDb()), query);
  return { items: rows.map(toPersonView), total, limit: query.limit, offset: query.offset };
}

export async function getPerson({ ctx, input }: { ctx: Ctx; input: { personId: string } }): Promise<PersonView> {
  requirePermission(ctx.actor, "agents.read");
  return toPersonView(await getPersonOrThrow(ctx.tx ?? (await getDb()), input.personId));
}

/** Infrastructure-as-code: create or update the person with this external id. */
export async function upsertPersonByExternalId({ ctx, input }: { ctx: Ctx; input: { externalId: string; person: unknown } }) {
  requirePermission(ctx.actor, "agents.write");
  const data = UpsertPersonBody.parse(input.person);
  return withTransaction(ctx, async (tx) => {
    const existing = await getPersonByExternalId(tx, input.externalId);
    if (!existing) {
      const view = toPersonView(await insertPerson(tx, { ...data, externalId: input.externalId }));
      await recordAudit(tx, ctx, { action: "person.create", entityType: "person", entityId: view.id, after: view });
      return { person: view, created: true };
    }
    const after = await patchPerson(tx, ctx, existing, data);
    const [beforeView, afterView] = [toPersonView(existing), toPersonView(after)];
    if (JSON.stringify({ ...beforeView, updatedAt: 0 }) !== JSON.stringify({ ...afterView, updatedAt: 0 })) {
      await recordAudit(tx, ctx, { action: "person.update", entityType: "person", entityId: after.id, before: beforeView, after: afterView });
    }
    return { person: afterView, created: false };
  });
}

/** How many agents each person owns, for the directory. */
export async function agentCountsByOwner({ ctx }: { ctx: Ctx }): Promise<Map<string, number>> {
  requirePermission(ctx.actor, "agents.read");
  return countAgentsByOwner(ctx.tx ?? (await getDb()));
}
