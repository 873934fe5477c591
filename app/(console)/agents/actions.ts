"use server";

import { z } from "zod";
import { action } from "@/app/_server/action";
import { assignOwnership, changeAgentStatus } from "@/lib/agents/assign-ownership";
import { createAgent } from "@/lib/agents/create-agent";
import { AgentDetailsForm, AssignOwnershipForm, ChangeStatusForm, CreateAgentForm, OverrideRiskForm, ScopeForm } from "@/lib/agents/forms";
import { overrideRiskTier } from "@/lib/agents/override-risk";
import { updateAgent } from "@/lib/agents/update-agent";
import { attestAgent } from "@/lib/attestation/attest-agent";
import { closeCampaign, startCampaign } from "@/lib/attestation/campaigns";
import { AttestAgentInput, CampaignIdInput, StartCampaignInput } from "@/lib/attestation/schemas";
import { acceptFinding, resolveFinding } from "@/lib/findings/decide-finding";
import { refreshFindings } from "@/lib/findings/refresh-findings";
import { AcceptFindingInput, ResolveFindingInput } from "@/lib/findings/schemas";
import { importAgentsCsv } from "@/lib/inventory-csv/import-agents";
import { importPeopleCsv } from "@/lib/inventory-csv/import-people";
import { ImportCsvInput } from "@/lib/inventory-csv/schemas";
import { offboardPerson } from "@/lib/people/offboard-person";
import { createPerson } from "@/lib/people/people";
import { CreateTeamInput, PersonIdInput } from "@/lib/people/schemas";
import { createTeam } from "@/lib/people/teams";

const blankAsNull = (v: unknown) => (v === "" || v === undefined ? null : v);
/** The add-person forms: the directory page's, and the owner pickers' inline one (which may name the console user it adds). */
const PersonForm = z.object({ name: z.string(), email: z.string(), teamId: z.preprocess(blankAsNull, z.string().nullable()), userId: z.preprocess(blankAsNull, z.string().nullable()).optional() });

export const createAgentAction = action("agents.write", CreateAgentForm, async (ctx, input) => {
  const agent = await createAgent({ ctx, input });
  return { id: agent.id };
});

export const assignOwnershipAction = action("agents.assign_owner", AssignOwnershipForm, async (ctx, input) => {
  const agents = await assignOwnership({ ctx, input });
  return { count: agents.length };
});

export const changeStatusAction = action("agents.write", ChangeStatusForm, async (ctx, input) => {
  const agents = await changeAgentStatus({ ctx, input });
  return { count: agents.length };
});

export const overrideRiskAction = action("agents.write", OverrideRiskForm, async (ctx, input) => {
  await overrideRiskTier({ ctx, input });
  return {};
});

/** Name, description, environment, credential posture and data sensitivity; audited as agent.update. */
export const updateAgentDetailsAction = action("agents.write", AgentDetailsForm, async (ctx, { agentId, ...changes }) => {
  await updateAgent({ ctx, input: { agentId, changes } });
  return {};
});

export const updateScopeAction = action("agents.write", ScopeForm, async (ctx, { agentId, ...changes }) => {
  await updateAgent({ ctx, input: { agentId, changes } });
  return {};
});

export const resolveFindingAction = action("findings.manage", ResolveFindingInput, async (ctx, input) => {
  await resolveFinding({ ctx, input });
  return {};
});

export const acceptFindingAction = action("findings.manage", AcceptFindingInput, async (ctx, input) => {
  await acceptFinding({ ctx, input });
  return {};
});

export const refreshFindingsAction = action("findings.manage", z.object({}), async (ctx) => refreshFindings({ ctx }));

export const startCampaignAction = action("findings.manage", StartCampaignInput, async (ctx, input) => {
  const campaign = await startCampaign({ ctx, input });
  return { id: campaign.id, agents: campaign.agents };
});

export const closeCampaignAction = action("findings.manage", CampaignIdInput, async (ctx, input) => {
  await closeCampaign({ ctx, input });
  return {};
});

export const attestAgentAction = action("agents.attest", AttestAgentInput, async (ctx, input) => {
  await attestAgent({ ctx, input });
  return {};
});

export const createPersonAction = action("agents.write", PersonForm, async (ctx, input) => {
  const person = await createPerson({ ctx, input });
  return { id: person.id };
});

export const offboardPersonAction = action("agents.write", PersonIdInput, async (ctx, input) => offboardPerson({ ctx, input }));

export const createTeamAction = action("agents.write", CreateTeamInput, async (ctx, input) => {
  const team = await createTeam({ ctx, input });
  return { id: team.id };
});

export const importPeopleAction = action("agents.write", ImportCsvInput, async (ctx, input) => importPeopleCsv({ ctx, input }));

export const importAgentsAction = action("agents.write", ImportCsvInput, async (ctx, input) => importAgentsCsv({ ctx, input }));
