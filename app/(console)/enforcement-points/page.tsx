import type { Metadata } from "next";
import Link from "next/link";
import { requirePageActor } from "@/app/_server/page-guard";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { hasPermission } from "@/lib/auth/require-permission";
import { listEnforcementPoints } from "@/lib/enforcement-points/list-enforcement-points";
import { getCurrentPolicyRevision } from "@/lib/policies/versions";
import { OPA_PRESETS } from "@/lib/enforcement-points/schemas";
import { ENFORCEMENT_POINT_KINDS } from "@/db/schema/decisions";
import { EpRowActions } from "./ep-row-actions";
import { RegisterForm } from "./register-form";

export const metadata: Metadata = { title: "Enforcement points" };
export const dynamic = "force-dynamic";

const when = (date: Date | null) => (date ? <time dateTime={date.toISOString()}>{date.toISOString().replace("T", " ").slice(0, 19)} UTC</time> : <span className="muted">never</span>);

export default async function Page() {
  const ctx = await requirePageActor("enforcement_points.read", "/enforcement-points");
  const canManage = hasPermission(ctx.actor, "enforcement_points.manage");
  const [points, currentRevision] = await Promise.all([listEnforcementPoints({ ctx }), getCurrentPolicyRevision()]);
  return (
    <>
      <PageHeader title="Enforcement points" description="Gateways, policy engines and sidecars that report decisions to Steward." />
      {points.length === 0 ? (
        <EmptyState title="No enforcement point yet">
          {canManage ? "Register one below, then send its decisions to POST /api/v1/decisions with its token." : "Ask an administrator or security engineer to register your gateways and policy engines."}
        </EmptyState>
      ) : (
        <div className="table-wrap card">
          <table>
            <caption className="visually-hidden">Registered enforcement points</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Last seen</th>
                <th scope="col">Decisions (1 h / 24 h)</th>
                <th scope="col">Policy revision</th>
                <th scope="col">Last rejected batch</th>
                {canManage ? <th scope="col">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {points.map((ep) => (
                <tr key={ep.id}>
                  <th scope="row">
                    <Link href={`/decisions/explore?ep=${encodeURIComponent(ep.id)}`}>{ep.name}</Link>
                    <div className="muted mono">{ep.kind}{ep.environment ? ` · ${ep.environment}` : ""}</div>
                    <div className="muted mono">{ep.tokens.length ? ep.tokens.map((token) => `${token.prefix}…`).join(", ") : "no live token"}</div>
                  </th>
                  <td>{ep.enabled ? <span className="badge ok">enabled</span> : <span className="badge danger">disabled</span>}</td>
                  <td>{when(ep.lastSeenAt)}</td>
                  <td>
                    {ep.decisionsLastHour.toLocaleString()} / {ep.decisionsLastDay.toLocaleString()}
                  </td>
                  <td className="mono">
                    {ep.reportedPolicyRevision ?? <span className="muted">not reported</span>}
                    {currentRevision && ep.reportedPolicyRevision && ep.reportedPolicyRevision !== currentRevision ? (
                      <div>
                        <span className="badge warn">outdated: current is {currentRevision}</span>
                      </div>
                    ) : null}
                  </td>
                  <td>
                    {ep.lastRejectedAt ? (
                      <>
                        {when(ep.lastRejectedAt)}
                        <div className="ep-reject">{ep.lastRejectedReason}</div>
                      </>
                    ) : (
                      <span className="muted">none</span>
                    )}
                  </td>
                  {canManage ? (
                    <td>
                      <EpRowActions ep={{ id: ep.id, name: ep.name, enabled: ep.enabled, opaMapping: ep.opaMapping }} presets={OPA_PRESETS} />
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {canManage ? <RegisterForm kinds={ENFORCEMENT_POINT_KINDS} /> : null}
    </>
  );
}
