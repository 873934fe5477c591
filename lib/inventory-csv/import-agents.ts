import type { Tx } from "@/db/client";
import { findIdentityConflict, getAgentByExternalId, getAgentRow, type AgentRow } from "@/db/agents";
import { getPersonByEmail, listTeams } from "@/db/people";
import { toAgentView } from "../agents/agent-view";
import { insertAgent, patchAgent } from "../agents/save-agent";
import { AgentFields, type CreateAgentInput } from "../agents/schemas";
import { recordAudit } from "../audit/record-audit";
import { requirePermission } from "../auth/require-permission";
import { withTransaction, type Ctx } from "../context";
import { StewardError } from "../errors";
import { countNoun } from "../count-noun";
import { refreshFindingsForAgents } from "../findings/refresh-findings";
import { readRecords, splitList } from "./csv";
import { ImportCsvInput, type ImportResult, type ImportRowResult } from "./schemas";

export const AGENT_COLUMNS = [
  "id",
  "external_id",
  "name",
  "description",
  "environment",
  "status",
  "owner_email",
  "backup_owner_email",
  "team",
  "model_provider",
  "framework",
  "declared_actions",
  "declared_resource_types",
  "credential_kind",
  "credential_max_lifetime_seconds",
  "data_sensitivity",
  "identities",
] as const;

const COLUMN_OF: Record<string, string> = {
  externalId: "external_id",
  ownerId: "owner_email",
  backupOwnerId: "backup_owner_email",
  teamId: "team",
  modelProvider: "model_provider",
  declaredActions: "declared_actions",
  declaredResourceTypes: "declared_resource_types",
  credentialKind: "credential_kind",
  credentialMaxLifetimeSeconds: "credential_max_lifetime_seconds",
  dataSensitivity: "data_sensitivity",
};

type PlannedAgent = { result: ImportRowResult; data: CreateAgentInput; existing: AgentRow | undefined };

function parseIdentities(value: string | undefined, problems: string[]) {
  return splitList(value).map((item) => {
    const colon = item.indexOf(":");
    if (colon <= 0) problems.push(`identities: "${item}" must look like kind:value (agent_id, spiffe_id, client_id or alias)`);
    return { kind: item.slice(0, colon), value: item.slice(colon + 1) };
  });
}

async function planAgents(tx: Tx, csv: string) {
  const { records, headerProblems } = readRecords(csv, AGENT_COLUMNS, ["name"]);
  const teamIds = new Map((await listTeams(tx)).map((team) => [team.name, team.id]));
  const seenIdentities = new Map<string, number>();
  const seenKeys = new Map<string, number>();
  const planned: PlannedAgent[] = [];
  for (const { line, values } of records) {
    const problems: string[] = [];
    const personId = async (column: "owner_email" | "backup_owner_email") => {
      const email = values[column];
      if (!email) return null;
      const person = await getPersonByEmail(tx, email);
      if (!person) problems.push(`${column}: no person with the email ${email} (import people first)`);
      else if (!person.active) problems.push(`${column}: ${email} is deactivated`);
      return person?.id ?? null;
    };
    const ownerId = await personId("owner_email");
    const backupOwnerId = await personId("backup_owner_email");
    const teamId = values.team ? (teamIds.get(values.team) ?? null) : null;
    if (values.team && !teamId) problems.push(`team: no team named "${values.team}"`);
    const lifetime = values.credential_max_lifetime_seconds;
    const candidate = {
      externalId: values.external_id || null,
      name: values.name ?? "",
      description: values.description ?? "",
      environment: values.environment || null,
      ...(values.status ? { status: values.status } : {}),
      ownerId,
      backupOwnerId,
      teamId,
      modelProvider: values.model_provider ?? "",
      framework: values.framework ?? "",
      declaredActions: splitList(values.declared_actions),
      declaredResourceTypes: splitList(values.declared_resource_types),
      credentialKind: values.credential_kind || null,
      credentialMaxLifetimeSeconds: lifetime ? (/^\d+$/.test(lifetime) ? Number(lifetime) : lifetime) : null,
      dataSensitivity: values.data_sensitivity || null,
      identities: parseIdentities(values.identities, problems),
    };
    const parsed = AgentFields.safeParse(candidate);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = String(issue.path[0]);
        problems.push(`${COLUMN_OF[field] ?? field}: ${issue.message}`);
      }
    }
    let existing: AgentRow | undefined;
    if (values.id) {
      existing = await getAgentRow(tx, values.id);
      if (!existing) problems.push(`id: agent ${values.id} does not exist`);
    } else if (values.external_id) existing = await getAgentByExternalId(tx, values.external_id);
    const key = values.id || values.external_id || values.name || `line ${line}`;
    if (seenKeys.has(key) && (values.id || values.external_id)) problems.push(`${values.id ? "id" : "external_id"}: ${key} is also on line ${seenKeys.get(key)}`);
    seenKeys.set(key, line);
    if (candidate.ownerId && candidate.ownerId === candidate.backupOwnerId) problems.push("backup_owner_email: the backup owner must be someone other than the owner");
    if (parsed.success) {
      for (const identity of parsed.data.identities ?? []) {
        const id = `${identity.kind}:${identity.value}`;
        if (seenIdentities.has(id)) problems.push(`identities: ${id} is also on line ${seenIdentities.get(id)}`);
        seenIdentities.set(id, line);
      }
      const conflict = await findIdentityConflict(tx, existing?.id ?? null, parsed.data.identities ?? []);
      if (conflict) problems.push(`identities: ${conflict.kind}:${conflict.value} already belongs to agent ${conflict.agentId}`);
      if (values.external_id && existing && existing.externalId && existing.externalId !== values.external_id) {
        problems.push(`external_id: agent ${existing.id} already has external id ${existing.externalId}`);
      }
    }
    planned.push({
      result: { line, key, action: problems.length ? "invalid" : existing ? "update" : "create", problems },
      data: parsed.success ? parsed.data : (candidate as CreateAgentInput),
      existing,
    });
  }
  return { headerProblems, planned };
}

/** Same contract as the people import: a full per-row report, and all-or-nothing writes. */
export async function importAgentsCsv({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<ImportResult> {
  requirePermission(ctx.actor, "agents.write");
  requirePermission(ctx.actor, "agents.assign_owner");
  const { csv, dryRun } = ImportCsvInput.parse(input);
  return withTransaction(ctx, async (tx) => {
    const { headerProblems, planned } = await planAgents(tx, csv);
    const rows = planned.map((p) => p.result);
    const problemCount = headerProblems.length + rows.reduce((n, row) => n + row.problems.length, 0);
    const result = { applied: false, headerProblems, rows, problemCount };
    if (dryRun) return result;
    if (problemCount > 0) throw new StewardError("precondition_failed", `${countNoun(problemCount, "problem")} in the file; nothing was written`, { details: result });
    const touched: string[] = [];
    for (const plan of planned) {
      if (!plan.existing) {
        const row = await insertAgent(tx, plan.data);
        touched.push(row.id);
        await recordAudit(tx, ctx, { action: "agent.create", entityType: "agent", entityId: row.id, after: await toAgentView(tx, row) });
      } else {
        const before = await toAgentView(tx, plan.existing);
        const row = await patchAgent(tx, plan.existing, plan.data);
        touched.push(row.id);
        await recordAudit(tx, ctx, { action: "agent.update", entityType: "agent", entityId: row.id, before, after: await toAgentView(tx, row) });
      }
    }
    await refreshFindingsForAgents(tx, touched);
    await recordAudit(tx, ctx, { action: "inventory.import_agents", entityType: "agent", entityId: null, after: { rows: planned.length } });
    return { ...result, applied: true };
  });
}
