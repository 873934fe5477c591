import type { Db, Tx } from "@/db/client";
import { accessRequestsWaiting, denyRates, latestPublishedVersion, newlyOpenedFindings, newlyRejectingEnforcementPoints, newOutOfScopeAttempts, newShadowAgents, policiesWithoutMatches, silentEnforcementPoints } from "@/db/alert-detection";
import { insertAlertRow, latestAlertFor, lockAlertEvaluation, listAlertRuleRows, updateAlertRow, updateAlertRuleRow, type AlertRuleRow } from "@/db/outbound";
import { newId } from "../ids";
import { AlertRuleParams } from "./schemas";

/** Rules are evaluated at least this often (the bound is one minute). */
export const ALERT_EVALUATION_MS = 30_000;
/**
 * Rules judge up to this long ago, not up to the instant: a row is stamped when its transaction
 * writes it but becomes visible only at commit, and a window that closed before the commit would
 * never see it. Ingest and console transactions are far shorter than this.
 */
export const ALERT_SETTLE_MS = 10_000;

type Condition = { groupKey: string; title: string; detail: Record<string, unknown> };

type Detector = (tx: Tx, rule: AlertRuleRow, since: Date, now: Date) => Promise<Condition[]>;

const DETECTORS: Record<AlertRuleRow["kind"], Detector> = {
  shadow_agent: async (tx, _rule, since, now) =>
    (await newShadowAgents(tx, since, now)).map((agent) => ({ groupKey: agent.id, title: `New shadow agent ${agent.name}`, detail: { agentId: agent.id, agentName: agent.name, firstSeenAt: agent.first_seen_at } })),
  out_of_scope: async (tx, _rule, since, now) =>
    (await newOutOfScopeAttempts(tx, since, now)).map((row) => ({
      groupKey: `${row.agent_id}:${row.action_name}`,
      title: `${row.agent_name} attempted ${row.action_name}, outside its declared scope (${row.attempts}×, ${row.allowed} allowed)`,
      detail: { agentId: row.agent_id, agentName: row.agent_name, action: row.action_name, attempts: row.attempts, allowed: row.allowed },
    })),
  deny_rate: async (tx, rule, _since, now) => {
    const params = AlertRuleParams.deny_rate.parse(rule.params);
    const rows = await denyRates(tx, new Date(now.getTime() - params.windowMinutes * 60_000), now, params.minDecisions);
    return rows
      .filter((row) => row.denies * 100 > params.thresholdPercent * row.decisions)
      .map((row) => {
        const rate = Math.round((row.denies / row.decisions) * 1000) / 10;
        return { groupKey: row.agent_id, title: `${row.agent_name ?? row.agent_id}: ${rate}% of ${row.decisions} decisions denied in ${params.windowMinutes} min (threshold ${params.thresholdPercent}%)`, detail: { agentId: row.agent_id, decisions: row.decisions, denies: row.denies, ratePercent: rate } };
      });
  },
  ep_silent: async (tx, rule, _since, now) => {
    const params = AlertRuleParams.ep_silent.parse(rule.params);
    return (await silentEnforcementPoints(tx, new Date(now.getTime() - params.minutes * 60_000))).map((ep) => ({ groupKey: ep.id, title: `Enforcement point ${ep.name} silent for more than ${params.minutes} min`, detail: { enforcementPointId: ep.id, lastSeenAt: ep.last_seen_at } }));
  },
  ep_rejecting: async (tx, _rule, since, now) =>
    (await newlyRejectingEnforcementPoints(tx, since, now)).map((ep) => ({ groupKey: ep.id, title: `Enforcement point ${ep.name} had a batch rejected`, detail: { enforcementPointId: ep.id, at: ep.last_rejected_at, reason: ep.last_rejected_reason } })),
  policy_never_matches: async (tx, rule, _since, now) => {
    const params = AlertRuleParams.policy_never_matches.parse(rule.params);
    const latest = await latestPublishedVersion(tx);
    if (!latest) return [];
    const publishedAt = new Date(latest.created_at);
    if (now.getTime() - publishedAt.getTime() < params.minutesAfterPublish * 60_000) return [];
    const content = (typeof latest.content === "string" ? JSON.parse(latest.content) : latest.content) as { policies?: { id: string }[] };
    const ids = (content.policies ?? []).map((policy) => policy.id);
    // Each (revision, policy) is judged once: skip those that already have an alert.
    const unjudged: string[] = [];
    for (const id of ids) if (!(await latestAlertFor(tx, rule.id, `${latest.revision}:${id}`))) unjudged.push(id);
    if (unjudged.length === 0) return [];
    return (await policiesWithoutMatches(tx, unjudged, publishedAt)).map((id) => ({ groupKey: `${latest.revision}:${id}`, title: `Policy ${id} has matched nothing since revision ${latest.revision} was published ${params.minutesAfterPublish}+ min ago`, detail: { policyId: id, revision: latest.revision } }));
  },
  finding_opened: async (tx, rule, since, now) => {
    const params = AlertRuleParams.finding_opened.parse(rule.params);
    return (await newlyOpenedFindings(tx, params.kinds, since, now)).map((finding) => ({ groupKey: finding.id, title: `${finding.kind.replace(/_/g, " ")} finding opened for ${finding.agent_name}`, detail: { findingId: finding.id, agentId: finding.agent_id, kind: finding.kind, detail: finding.detail } }));
  },
  approval_waiting: async (tx, rule, _since, now) => {
    const params = AlertRuleParams.approval_waiting.parse(rule.params);
    return (await accessRequestsWaiting(tx, new Date(now.getTime() - params.minutes * 60_000), now)).map((request) => ({
      groupKey: request.id,
      title: `Access request by ${request.agent_name ?? request.requester_label} for ${request.action_name} waiting for approval for more than ${params.minutes} min`,
      detail: { accessRequestId: request.id, agentId: request.agent_id, action: request.action_name, createdAt: request.created_at, expiresAt: request.expires_at },
    }));
  },
};

/**
 * Evaluates every enabled rule once, over what settled by `now` − ALERT_SETTLE_MS. A condition opens an alert unless the rule's
 * latest alert for the same group is still open or closed within the cooldown — then that alert
 * counts one more occurrence and nothing new is sent. Returns the alerts opened.
 */
export async function evaluateAlertRules(db: Db, at = new Date()): Promise<{ opened: number; updated: number }> {
  const now = new Date(at.getTime() - ALERT_SETTLE_MS);
  return db.transaction(async (tx) => {
    await lockAlertEvaluation(tx);
    let opened = 0;
    let updated = 0;
    for (const rule of await listAlertRuleRows(tx)) {
      if (!rule.enabled) continue;
      const since = rule.checkedUntil ?? rule.createdAt;
      if (since >= now) continue;
      let conditions: Condition[];
      try {
        conditions = await DETECTORS[rule.kind](tx, rule, since, now);
      } catch (error) {
        console.error(`alert rule ${rule.id} (${rule.kind}) could not be evaluated: ${(error as Error).message}`);
        continue;
      }
      for (const condition of conditions) {
        const latest = await latestAlertFor(tx, rule.id, condition.groupKey);
        const closedAt = latest?.resolvedAt ?? null;
        const withinCooldown = latest && (latest.status !== "resolved" || (closedAt && now.getTime() - closedAt.getTime() < rule.cooldownMinutes * 60_000));
        if (latest && withinCooldown) {
          await updateAlertRow(tx, latest.id, { occurrences: latest.occurrences + 1, lastAt: now, detail: condition.detail });
          updated++;
        } else {
          await insertAlertRow(tx, { id: newId("alt"), ruleId: rule.id, groupKey: condition.groupKey, severity: rule.severity, title: condition.title, detail: condition.detail, firstAt: now, lastAt: now });
          opened++;
        }
      }
      await updateAlertRuleRow(tx, rule.id, { checkedUntil: now });
    }
    return { opened, updated };
  });
}
