import Link from "next/link";
import { EntityRef } from "@/components/ui/entity-ref";
import { DecisionAction } from "./decision-action";
import { OutcomeBadge } from "./outcome-badge";

/** Who a decision was about: the inventory agent (id, its name when known) and the reference the EP sent. */
export type DecisionAgent = { agentId: string; agentRef: string; agentName?: string | null };

/**
 * The agent cell: the inventory agent by name, linked; a person (`person:…`, never an inventory
 * agent) by the reference the enforcement point sent.
 */
export function DecisionAgentRef({ agentId, agentRef, agentName }: DecisionAgent) {
  if (agentId.startsWith("person:")) return <span title={`Person ${agentRef}`}>{agentRef}</span>;
  return <EntityRef kind="agent" id={agentId} name={agentName ?? null} />;
}

/** The cells the live feed and the explorer share: time (linking to the decision), outcome, agent, action, resource, EP. */
export function DecisionCells({ href, timeLabel, outcome, agent, actionName, actionKind, resource, enforcementPoint }: { href: string; timeLabel: string; outcome: string; agent: DecisionAgent; actionName: string; actionKind: string | null; resource: string; enforcementPoint: { id: string; name: string | null } }) {
  return (
    <>
      <td className="mono nowrap">
        <Link href={href}>{timeLabel}</Link>
      </td>
      <td>
        <OutcomeBadge outcome={outcome} />
      </td>
      <td data-testid="decision-agent">
        <DecisionAgentRef {...agent} />
      </td>
      <td className="mono">
        <DecisionAction name={actionName} kind={actionKind} clip />
      </td>
      <td className="mono">
        <ClippedText text={resource} />
      </td>
      <td>
        <EntityRef kind="enforcement_point" id={enforcementPoint.id} name={enforcementPoint.name} />
      </td>
    </>
  );
}

/** One line, cut with an ellipsis when longer than the column allows; the whole text on hover (never broken mid-word). */
function ClippedText({ text }: { text: string }) {
  return (
    <span className="cell-clip" title={text}>
      {text}
    </span>
  );
}
