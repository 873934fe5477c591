import { ActionForm } from "@/components/ui/action-form";
import { RiskBadge } from "@/components/inventory/badges";
import { SelectField } from "@/components/inventory/select-field";
import type { AgentView } from "@/lib/agents/schemas";
import type { FormAction } from "@/lib/http/action-result";

/** The agent page's risk card: effective and computed tier, the reasons, and the override form for editors. */
export function AgentRisk({ agent, riskTiers, overrideRisk }: { agent: AgentView; riskTiers: readonly string[]; overrideRisk?: FormAction }) {
  return (
    <section className="card" aria-labelledby="h-risk">
      <h2 id="h-risk">Risk</h2>
      <p>
        Effective tier <RiskBadge tier={agent.riskTier} overridden={!!agent.riskOverride} /> · computed <RiskBadge tier={agent.computedRiskTier} />
      </p>
      {agent.riskOverride ? <p>Override justification: {agent.riskOverride.justification}</p> : null}
      <ul>{agent.riskReasons.length ? agent.riskReasons.map((reason) => <li key={reason}>{reason}</li>) : <li>No risk factor found</li>}</ul>
      {overrideRisk ? (
        <ActionForm action={overrideRisk} submitLabel="Save override" className="stack" label="Override risk tier" successMessage="Risk tier saved.">
          <input type="hidden" name="agentId" value={agent.id} />
          <SelectField id="risk-tier" name="tier" label="Override tier" defaultValue={agent.riskOverride?.tier ?? ""} options={riskTiers.map((tier) => [tier, tier])}>
            <option value="">No override (use computed)</option>
          </SelectField>
          <div className="field">
            <label htmlFor="risk-justification">Justification</label>
            <textarea id="risk-justification" name="justification" rows={2} defaultValue={agent.riskOverride?.justification ?? ""} />
          </div>
        </ActionForm>
      ) : null}
    </section>
  );
}
