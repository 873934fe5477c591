import Link from "next/link";
import type { TaskTokenView } from "@/lib/identity/tasks-view";

const STATE_BADGE = { live: "ok", expired: "muted", revoked: "danger" } as const;

/** The task's tokens as nested lists: who delegated to whom, each hop with its scope and state. */
export function DelegationTree({ nodes }: { nodes: TaskTokenView[] }) {
  if (!nodes.length) return <p className="muted">No token.</p>;
  return (
    <ul className="delegation-tree" style={{ listStyle: "none", paddingLeft: "1.25rem", borderLeft: "2px solid var(--border, #ccc)" }}>
      {nodes.map((node) => (
        <li key={node.jti} style={{ margin: "0.5rem 0" }}>
          <div>
            <strong>
              <Link href={`/agents/${encodeURIComponent(node.agentId)}`}>{node.agentName ?? node.agentId}</Link>
            </strong>{" "}
            <span className="muted">hop {node.depth}</span>{" "}
            <span className={`badge ${STATE_BADGE[node.state]}`}>{node.state}</span>
          </div>
          <div className="mono">scope: {node.scope.join(" ")}</div>
          <div className="muted mono">{node.jti}</div>
          {node.children.length ? <DelegationTree nodes={node.children} /> : null}
        </li>
      ))}
    </ul>
  );
}
