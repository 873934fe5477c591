import { z } from "zod";
import { AgentPage, AgentView, CreateAgentInput, ListAgentsQuery, UpdateAgentInput, UpsertAgentBody } from "../../agents/schemas";
import { CreatePersonInput, ListPeopleQuery, PersonPage, PersonView, UpdatePersonBody, UpsertPersonBody } from "../../people/schemas";
import type { ApiOperation } from "../operation";

const user = { auth: "user" as const };
const notFound = { 404: { description: "No such agent or person" } };

const ObservedView = z.object({
  windowDays: z.number(),
  used: z.array(z.object({ action: z.string(), resourceTypes: z.array(z.string()), allows: z.number(), denies: z.number(), others: z.number(), lastAt: z.string(), declared: z.boolean() })),
  outOfScope: z.array(z.string()).describe("Used but not declared"),
  unusedDeclared: z.array(z.string()).describe("Declared but never used in the window: candidates to remove"),
  denies: z.number(),
  lastSeenAt: z.string().nullable(),
  endpoints: z.array(z.object({ enforcementPointId: z.string(), name: z.string().nullable(), decisions: z.number(), lastAt: z.string() })),
  delegatedBy: z.array(z.object({ ref: z.string(), decisions: z.number(), agent: z.object({ id: z.string(), name: z.string() }).nullable() })),
  delegatesTo: z.array(z.object({ agentId: z.string(), name: z.string().nullable(), decisions: z.number() })),
  recent: z.array(z.object({ enforcementPointId: z.string(), decisionId: z.string(), time: z.string(), actionName: z.string(), resourceType: z.string(), resourceId: z.string(), outcome: z.string() })),
});

export const inventoryOperations: ApiOperation[] = [
  { method: "get", path: "/api/v1/agents", summary: "List agents", tag: "Inventory", permission: "agents.read", ...user, query: ListAgentsQuery, responses: { 200: { description: "A page of agents", schema: AgentPage } } },
  {
    method: "post",
    path: "/api/v1/agents",
    summary: "Register an agent",
    description: "Identities must be unique across agents: a clash is a 409 naming the identity.",
    tag: "Inventory",
    permission: "agents.write",
    ...user,
    body: CreateAgentInput,
    responses: { 201: { description: "Created", schema: AgentView }, 409: { description: "An identity or external id already belongs to another agent" } },
  },
  { method: "get", path: "/api/v1/agents/{id}", summary: "Get one agent", tag: "Inventory", permission: "agents.read", ...user, responses: { 200: { description: "The agent", schema: AgentView }, ...notFound } },
  {
    method: "patch",
    path: "/api/v1/agents/{id}",
    summary: "Change some fields of an agent",
    description: "Changing owner, backup owner or team also needs agents.assign_owner.",
    tag: "Inventory",
    permission: "agents.write",
    ...user,
    body: UpdateAgentInput,
    responses: { 200: { description: "The updated agent", schema: AgentView }, ...notFound, 409: { description: "An identity already belongs to another agent" } },
  },
  {
    method: "put",
    path: "/api/v1/agents/by-external-id/{externalId}",
    summary: "Create or update the agent with this external id (idempotent)",
    description: "For infrastructure-as-code: applying the same document twice changes nothing the second time.",
    tag: "Inventory",
    permission: "agents.write",
    ...user,
    body: UpsertAgentBody,
    responses: { 200: { description: "Updated (or unchanged)", schema: AgentView }, 201: { description: "Created", schema: AgentView } },
  },
  { method: "get", path: "/api/v1/agents/{id}/observed", summary: "Declared scope next to observed behaviour", tag: "Inventory", permission: "agents.read", ...user, responses: { 200: { description: "Declared vs observed", schema: ObservedView }, ...notFound } },
  { method: "get", path: "/api/v1/agents/export", summary: "Export every agent as CSV", tag: "Inventory", permission: "agents.read", ...user, responses: { 200: { description: "text/csv, re-importable" } } },
  { method: "get", path: "/api/v1/people", summary: "List people", tag: "Inventory", permission: "agents.read", ...user, query: ListPeopleQuery, responses: { 200: { description: "A page of people", schema: PersonPage } } },
  {
    method: "post",
    path: "/api/v1/people",
    summary: "Add a person",
    tag: "Inventory",
    permission: "agents.write",
    ...user,
    body: CreatePersonInput,
    responses: { 201: { description: "Created", schema: PersonView }, 409: { description: "The email or external id is taken" } },
  },
  { method: "get", path: "/api/v1/people/{id}", summary: "Get one person", tag: "Inventory", permission: "agents.read", ...user, responses: { 200: { description: "The person", schema: PersonView }, ...notFound } },
  {
    method: "patch",
    path: "/api/v1/people/{id}",
    summary: "Change a person",
    description: "Setting active to false offboards the person: their agents move to the backup owner, else the team queue, else are marked orphaned.",
    tag: "Inventory",
    permission: "agents.write",
    ...user,
    body: UpdatePersonBody,
    responses: { 200: { description: "The updated person", schema: PersonView }, ...notFound },
  },
  {
    method: "put",
    path: "/api/v1/people/by-external-id/{externalId}",
    summary: "Create or update the person with this external id (idempotent)",
    tag: "Inventory",
    permission: "agents.write",
    ...user,
    body: UpsertPersonBody,
    responses: { 200: { description: "Updated (or unchanged)", schema: PersonView }, 201: { description: "Created", schema: PersonView } },
  },
  { method: "get", path: "/api/v1/people/export", summary: "Export every person as CSV", tag: "Inventory", permission: "agents.read", ...user, responses: { 200: { description: "text/csv, re-importable" } } },
];
