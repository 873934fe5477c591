import { z } from "zod";
import type { Executor } from "@/db/client";
import { getDb } from "@/db/client";
import { agentForIssuance, extendLiveTask, getTaskRow, insertTaskRow, insertTaskTokenRow, issueRootTaskTokenIfCurrent, taskTokenLiveness, taskTokenRevokedAtForShare } from "@/db/identity/task-tokens";
import { newId } from "../ids";
import { getCachedSettings } from "../settings/settings";
import { claimCredentialUse, forgetExchangingAgent, purgeExpiredCredentialUses, REPLAY_MESSAGE, verifyAgentCredential, type CredentialUse, type VerifiedAgent } from "./client-auth";
import { MAX_TASK_TOKEN_SECONDS, STEWARD_TASK_DETAILS_TYPE, TOKEN_EXCHANGE_GRANT, TOKEN_TYPE_ACCESS, TOKEN_TYPE_ID, TOKEN_TYPE_JWT } from "./constants";
import { noteIdentityFinding, WIDE_SCOPE_ENTRIES } from "./identity-findings";
import { IdentityError } from "./identity-error";
import { decideIssuance, recordIssuance, type RecordedIssuance } from "./issuance-decision";
import { verifyPersonIdToken } from "./person-token";
import { delegationChain, scopeList, signTaskToken, verifyTaskToken, type ActClaim, type TaskTokenClaims } from "./task-token";

/**
 * `POST /oauth/token` — OAuth 2.0 Token Exchange (RFC 8693) issuing task tokens (RFC 9068).
 *
 * Three shapes (docs/identity.md has curl for each):
 *  - an agent starts a task: `subject_token` = its JWT-SVID or client assertion
 *    (`subject_token_type` = `urn:ietf:params:oauth:token-type:jwt`);
 *  - a person starts a task on-behalf-of: `subject_token` = the person's ID token from the
 *    console's identity provider (`…:id_token`), `actor_token` = the agent's credential;
 *  - delegation: `subject_token` = the delegator's task token (`…:access_token`),
 *    `actor_token` = the delegate's credential.
 * `resource` or `audience` (RFC 8707, exactly one value) names the target; `scope` the tools or
 * actions; `authorization_details` (RFC 9396) carries one entry of type `steward_task`:
 * `{type, purpose, task_id?}`.
 *
 * Scope only narrows: requested ⊆ the agent's declared scope (and, delegated, ⊆ the parent
 * token's), and each entry is a policy decision. A widening, a denied entry, or a chain longer
 * than the `maxDelegationDepth` setting is refused (`invalid_scope` / `access_denied`) and recorded
 * as a deny with the reason. Errors follow RFC 6749 §5.2.
 */
export const TaskDetails = z.object({
  type: z.literal(STEWARD_TASK_DETAILS_TYPE),
  purpose: z.string().trim().min(1, "Say what the task is for").max(500),
  task_id: z.string().trim().min(1).max(200).optional(),
});

export type TokenResponse = {
  access_token: string;
  issued_token_type: typeof TOKEN_TYPE_ACCESS;
  token_type: "Bearer";
  expires_in: number;
  scope: string;
};

type Parent = { claims: TaskTokenClaims; depth: number };

function param(form: URLSearchParams, name: string): string | undefined {
  const values = form.getAll(name);
  if (values.length > 1) throw new IdentityError("invalid_request", `${name} may be given once`);
  return values[0] === "" ? undefined : values[0];
}

function parseDetails(raw: string | undefined): z.infer<typeof TaskDetails> | undefined {
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new IdentityError("invalid_request", "authorization_details is not JSON");
  }
  if (!Array.isArray(parsed)) throw new IdentityError("invalid_request", "authorization_details must be a JSON array (RFC 9396)");
  const entries = parsed.filter((entry) => (entry as { type?: unknown })?.type === STEWARD_TASK_DETAILS_TYPE);
  if (parsed.length !== entries.length) throw new IdentityError("invalid_request", `Only authorization_details of type ${STEWARD_TASK_DETAILS_TYPE} are understood`);
  if (entries.length > 1) throw new IdentityError("invalid_request", `One ${STEWARD_TASK_DETAILS_TYPE} entry per request`);
  if (!entries.length) return undefined;
  const result = TaskDetails.safeParse(entries[0]);
  if (!result.success) throw new IdentityError("invalid_request", `authorization_details: ${result.error.issues[0]!.message}`);
  return result.data;
}

function target(form: URLSearchParams): string | undefined {
  const values = [...form.getAll("resource"), ...form.getAll("audience")].filter(Boolean);
  const distinct = [...new Set(values)];
  if (distinct.length > 1) throw new IdentityError("invalid_target", "Name exactly one resource/audience: a task token is for one target");
  const value = distinct[0];
  if (value !== undefined && (value.length > 2000 || /\s/.test(value))) throw new IdentityError("invalid_target", "The resource is not a valid URI or name");
  return value;
}

async function parentToken(token: string, issuer: string, now: Date): Promise<Parent> {
  const check = await verifyTaskToken(token, issuer, { now });
  if (!check.ok) throw new IdentityError("invalid_request", check.expired ? "The parent task token has expired" : `The subject_token is not a valid task token: ${check.reason}`);
  const row = await taskTokenLiveness(await getDb(), check.claims.jti);
  if (!row) throw new IdentityError("invalid_request", "The parent task token is unknown");
  if (row.revokedAt) throw new IdentityError("invalid_request", "The parent task token has been revoked");
  if (row.taskStatus !== "live") throw new IdentityError("invalid_request", "The parent token's task has ended");
  return { claims: check.claims, depth: row.depth };
}

async function credential(token: string | undefined, type: string | undefined, role: string, audience: string, now: Date, cachedAgent = false): Promise<VerifiedAgent> {
  if (!token) throw new IdentityError("invalid_request", `${role} is required`);
  if (type !== TOKEN_TYPE_JWT) throw new IdentityError("invalid_request", `${role}_type must be ${TOKEN_TYPE_JWT} (a JWT-SVID or client assertion)`);
  return verifyAgentCredential(await getDb(), token, audience, now, { cachedAgent });
}

/**
 * The exchange judged a cached agent row that may be stale: before refusing on it, or when its
 * issuing statement found the agent changed. The exchange runs again on a fresh read; nothing of
 * the first attempt was written or recorded.
 */
class StaleAgent extends Error {}

export async function exchangeToken({ form, issuer, now = new Date() }: { form: URLSearchParams; issuer: string; now?: Date }): Promise<TokenResponse> {
  try {
    return await exchangeOnce(form, issuer, now, true);
  } catch (error) {
    if (!(error instanceof StaleAgent)) throw error;
  }
  try {
    return await exchangeOnce(form, issuer, now, false);
  } catch (error) {
    if (error instanceof StaleAgent) throw new IdentityError("invalid_request", "The agent changed while its token was being issued; try again");
    throw error;
  }
}

async function exchangeOnce(form: URLSearchParams, issuer: string, now: Date, cachedAgent: boolean): Promise<TokenResponse> {
  const tokenEndpoint = `${issuer}/oauth/token`;
  if (param(form, "grant_type") !== TOKEN_EXCHANGE_GRANT) throw new IdentityError("unsupported_grant_type", `Only ${TOKEN_EXCHANGE_GRANT} is supported`);
  const requestedType = param(form, "requested_token_type");
  if (requestedType !== undefined && requestedType !== TOKEN_TYPE_ACCESS && requestedType !== TOKEN_TYPE_JWT) throw new IdentityError("invalid_request", `requested_token_type must be ${TOKEN_TYPE_ACCESS}`);
  const subjectToken = param(form, "subject_token");
  const subjectType = param(form, "subject_token_type");
  const actorToken = param(form, "actor_token");
  const actorType = param(form, "actor_token_type");
  const details = parseDetails(param(form, "authorization_details"));
  const requestedScope = param(form, "scope");
  let audience = target(form);
  if (!subjectToken || !subjectType) throw new IdentityError("invalid_request", "subject_token and subject_token_type are required");

  // Who acts, and on what authority.
  let agent: VerifiedAgent;
  let parent: Parent | null = null;
  let initiator: { type: "agent" | "person"; id: string };
  if (subjectType === TOKEN_TYPE_ACCESS) {
    parent = await parentToken(subjectToken, issuer, now);
    agent = await credential(actorToken, actorType, "actor_token", tokenEndpoint, now);
    initiator = { type: "agent", id: parent.claims.sub };
  } else if (subjectType === TOKEN_TYPE_ID) {
    const person = await verifyPersonIdToken(subjectToken, now);
    agent = await credential(actorToken, actorType, "actor_token", tokenEndpoint, now, cachedAgent && !details?.task_id);
    initiator = { type: "person", id: person.email };
  } else if (subjectType === TOKEN_TYPE_JWT) {
    if (actorToken) throw new IdentityError("invalid_request", "actor_token is for delegation and on-behalf-of; an agent starting its own task sends only subject_token");
    // A new task's token is issued by one statement that re-checks the agent: a cached row will do.
    agent = await credential(subjectToken, subjectType, "subject_token", tokenEndpoint, now, cachedAgent && !details?.task_id);
    initiator = { type: "agent", id: agent.agentId };
  } else {
    throw new IdentityError("invalid_request", `subject_token_type ${subjectType} is not supported`);
  }

  const db = await getDb();
  const agentRow = agent.agent ?? (await agentForIssuance(db, agent.agentId));
  if (!agentRow) throw new IdentityError("invalid_request", "The agent no longer exists");
  if (agentRow.status !== "active") {
    throw new IdentityError("access_denied", agentRow.status === "discovered" ? `Agent ${agent.agentId} (${agent.identity}) is not registered: it was added to the inventory as discovered and gets no token until someone registers it and policy allows` : `Agent ${agent.agentId} is ${agentRow.status}`);
  }

  // The task: a parent's task, an existing live task the agent started, or a new one.
  let taskId: string;
  let purpose: string;
  let newTask = false;
  if (parent) {
    if (details?.task_id && details.task_id !== parent.claims.task_id) throw new IdentityError("invalid_request", "A delegated token stays in its parent's task");
    taskId = parent.claims.task_id;
    purpose = parent.claims.purpose;
    if (audience !== undefined && audience !== parent.claims.aud) throw new IdentityError("invalid_target", `A delegated token is for the parent's audience (${parent.claims.aud})`);
    audience = parent.claims.aud;
  } else {
    if (!audience) throw new IdentityError("invalid_target", "Name the resource (or audience) the token is for");
    if (details?.task_id) {
      const task = await getTaskRow(db, details.task_id);
      if (!task || task.rootAgentId !== agent.agentId) throw new IdentityError("invalid_request", `Unknown task ${details.task_id} for this agent`);
      if (task.status !== "live") throw new IdentityError("invalid_request", `Task ${details.task_id} has ended`);
      taskId = task.id;
      purpose = task.purpose;
    } else {
      if (!details) throw new IdentityError("invalid_request", `Describe the task: authorization_details=[{"type":"${STEWARD_TASK_DETAILS_TYPE}","purpose":"…"}]`);
      taskId = newId("tsk");
      purpose = details.purpose;
      newTask = true;
    }
  }

  const chain = parent ? [...delegationChain(parent.claims), agent.agentId] : [agent.agentId];
  const identity = agent.authMethod === "jwt-svid" ? { spiffeId: agent.identity } : { clientId: agent.identity };
  const declared = new Set(agentRow.declaredActions);
  const ceiling = parent ? scopeList(parent.claims.scope).filter((entry) => declared.has(entry)) : [...declared];
  const requested = requestedScope === undefined ? ceiling : scopeList(requestedScope);
  const record = (items: RecordedIssuance["items"], revision: number | null = null): RecordedIssuance => ({ agentId: agent.agentId, identity, taskId, chain, audience: audience!, items, revision });
  // A refusal is recorded and answered only on a fresh read of the agent, never on a cached one.
  const refuse = async (recorded: RecordedIssuance, code: "invalid_scope" | "access_denied", message: string): Promise<never> => {
    if (agent.cached) throw new StaleAgent();
    await recordIssuance(recorded);
    throw new IdentityError(code, message);
  };

  // Cached, cleared at commit of any settings change (in this process) or by its NOTIFY (in others).
  const settings = await getCachedSettings();
  if (chain.length > settings.maxDelegationDepth) {
    await noteIdentityFinding(db, agent.agentId, "delegation_depth_exceeded", `Delegation to ${agent.agentId} in task ${taskId} would make a chain of ${chain.length} agents (maximum ${settings.maxDelegationDepth})`);
    await refuse(record(requested.map((scope) => ({ scope, allowed: false, reasons: [`delegation depth ${chain.length} exceeds the maximum of ${settings.maxDelegationDepth}`] }))), "access_denied", `Delegation refused: the chain would hold ${chain.length} agents; the maximum is ${settings.maxDelegationDepth}`);
  }
  if (!requested.length && agent.cached) throw new StaleAgent();
  if (!requested.length) throw new IdentityError("invalid_scope", "No scope to grant: the agent declared none" + (parent ? " within the parent token's scope" : ""));
  const parentScope = parent ? new Set(scopeList(parent.claims.scope)) : null;
  const widened = requested.filter((entry) => !declared.has(entry) || (parentScope && !parentScope.has(entry)));
  if (widened.length) {
    const reasonFor = (entry: string) => (parentScope && !parentScope.has(entry) ? `scope ${entry} is outside the parent token's scope` : `scope ${entry} is outside the agent's declared scope`);
    await refuse(
      record(requested.map((scope) => (widened.includes(scope) ? { scope, allowed: false, reasons: [reasonFor(scope)] } : { scope, allowed: false, reasons: ["refused with a widening request"] }))),
      "invalid_scope",
      `Scope can only narrow: ${widened.map(reasonFor).join("; ")}`,
    );
  }

  const decision = await decideIssuance({ agentId: agent.agentId, identity, scope: requested, audience, taskId, purpose, chain, agentChangedAt: agentRow.updatedAt }, now);
  const denied = decision.verdicts.filter((verdict) => !verdict.allowed);
  const recorded = record(decision.verdicts.map((verdict) => ({ scope: verdict.scope, allowed: verdict.allowed, reasons: verdict.reasons, request: verdict.request })), decision.revision);
  if (denied.length) await refuse(recorded, "access_denied", `Policy refuses ${denied.map((verdict) => `${verdict.scope} (${verdict.reasons.join(", ")})`).join("; ")}`);

  // Issue: lifetime from the setting, never past 15 minutes nor the parent's expiry.
  const iat = Math.floor(now.getTime() / 1000);
  const lifetime = Math.min(settings.taskTokenLifetimeSeconds, MAX_TASK_TOKEN_SECONDS);
  const exp = Math.min(iat + lifetime, parent ? parent.claims.exp : Infinity);
  const act: ActClaim | undefined = parent ? { sub: parent.claims.sub, ...(parent.claims.act ? { act: parent.claims.act } : {}) } : undefined;
  const claims: TaskTokenClaims = { iss: issuer, sub: agent.agentId, aud: audience, client_id: agent.identity, scope: requested.join(" "), task_id: taskId, purpose, jti: newId("jti"), iat, exp, ...(act ? { act } : {}) };
  const { token, kid } = await signTaskToken(claims, now);
  const expiresAt = new Date(exp * 1000);
  const uses: CredentialUse[] = [agent.use];
  const tokenAudience: string = audience;
  const wide = requested.length > WIDE_SCOPE_ENTRIES;
  const noteWide = (on: Executor) => noteIdentityFinding(on, agent.agentId, "wide_scope", `Task ${taskId} token carries ${requested.length} scope entries (more than ${WIDE_SCOPE_ENTRIES})`, now);
  // A new task started by one credential (the common case): the agent re-checked as judged, the
  // credential claimed, the task and token stored — one statement, in the transaction that records
  // the issuance decisions, so one transaction per exchange.
  if (newTask && uses.length === 1) {
    await purgeExpiredCredentialUses(db);
    const judged = { id: agent.agentId, declaredActions: agentRow.declaredActions, updatedAt: agentRow.updatedAt, identity: agent.cached ? { kind: "spiffe_id" as const, value: agent.identity } : null };
    await recordIssuance(recorded, now, async (query) => {
      const outcome = await issueRootTaskTokenIfCurrent(
        query,
        judged,
        { issuer: agent.use.issuer, jti: agent.use.key, expiresAt: agent.use.expiresAt },
        { id: taskId, purpose, initiatorType: initiator.type, initiator: initiator.id, tokensExpireAt: expiresAt, createdAt: now },
        { jti: claims.jti, clientId: agent.identity, audience: tokenAudience, scope: requested, authMethod: agent.authMethod, presentedIdentity: agent.identity, trustDomain: agent.trustDomain, kid, issuedAt: new Date(iat * 1000), expiresAt },
      );
      if (!outcome.current) {
        if (agent.cached) forgetExchangingAgent(agent.identity);
        throw new StaleAgent();
      }
      if (!outcome.issued) throw new IdentityError("invalid_request", REPLAY_MESSAGE);
    });
    if (wide) await noteWide(db);
    return { access_token: token, issued_token_type: TOKEN_TYPE_ACCESS, token_type: "Bearer", expires_in: exp - iat, scope: requested.join(" ") };
  }
  const issue = () =>
    db.transaction(async (tx) => {
      for (const use of uses) if (!(await claimCredentialUse(tx, use))) throw new IdentityError("invalid_request", REPLAY_MESSAGE);
      if (newTask) {
        await insertTaskRow(tx, { id: taskId, purpose, initiatorType: initiator.type, initiator: initiator.id, rootAgentId: agent.agentId, tokensExpireAt: expiresAt, createdAt: now });
      } else {
        // The task ended between the checks and now: issue nothing.
        if (!(await extendLiveTask(tx, taskId, expiresAt))) throw new IdentityError("invalid_request", `Task ${taskId} has ended`);
      }
      await insertTaskTokenRow(tx, {
        jti: claims.jti,
        taskId,
        agentId: agent.agentId,
        clientId: agent.identity,
        audience: tokenAudience,
        scope: requested,
        parentJti: parent?.claims.jti ?? null,
        depth: chain.length - 1,
        act: act ?? null,
        authMethod: agent.authMethod,
        presentedIdentity: agent.identity,
        trustDomain: agent.trustDomain,
        kid,
        issuedAt: new Date(iat * 1000),
        expiresAt,
      });
      if (parent) {
        // The parent may have been revoked while this was decided: refuse rather than outlive it.
        if (await taskTokenRevokedAtForShare(tx, parent.claims.jti)) throw new IdentityError("invalid_request", "The parent task token has been revoked");
      }
      if (wide) await noteWide(tx);
    });
  // The decision record and the issuing transaction are independent: both must commit before the answer.
  await Promise.all([recordIssuance(recorded, now), issue()]);
  return { access_token: token, issued_token_type: TOKEN_TYPE_ACCESS, token_type: "Bearer", expires_in: exp - iat, scope: requested.join(" ") };
}
