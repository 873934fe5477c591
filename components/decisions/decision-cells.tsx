import Link from "next/link";
import { OutcomeBadge } from "./outcome-badge";

/** The cells the live feed and the explorer share: time (linking to the decision), outcome, agent, action, resource, EP. */
export function DecisionCells({ href, timeLabel, outcome, agentRef, actionName, resource, enforcementPoint }: { href: string; timeLabel: string; outcome: string; agentRef: string; actionName: string; resource: string; enforcementPoint: string }) {
  return (
    <>
      <td className="mono">
        <Link href={href}>{timeLabel}</Link>
      </td>
      <td>
        <OutcomeBadge outcome={outcome} />
      </td>
      <td>{agentRef}</td>
      <td className="mono">{actionName}</td>
      <td className="mono">{resource}</td>
      <td>{enforcementPoint}</td>
    </>
  );
}
