import type { Metadata } from "next";
import Link from "next/link";
import { requirePageActor } from "@/app/_server/page-guard";
import { PageHeader } from "@/components/ui/page-header";
import { ROLE_LABELS } from "@/lib/auth/permissions";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage() {
  const { actor } = await requirePageActor("console.read", "/");
  return (
    <>
      <PageHeader title="Overview" description={`Signed in as ${actor.email} (${ROLE_LABELS[actor.role]}).`} />
      <div className="grid-cards">
        <section className="card">
          <h2>Inventory</h2>
          <p>Which agents exist, who owns each, and what each may do.</p>
          <Link href="/agents">Open agents</Link>
        </section>
        <section className="card">
          <h2>Live decisions</h2>
          <p>Every allow, deny and approval your enforcement points report.</p>
          <Link href="/decisions">Open decisions</Link>
        </section>
        <section className="card">
          <h2>Policy</h2>
          <p>Cedar policies, tested and replayed before they reach an enforcement point.</p>
          <Link href="/policies">Open policies</Link>
        </section>
        <section className="card">
          <h2>Frameworks</h2>
          <p>How your agents hold up against OWASP, CSA MAESTRO and NIST.</p>
          <Link href="/frameworks">Open frameworks</Link>
        </section>
      </div>
    </>
  );
}
