import type { Metadata } from "next";
import { requirePageActor } from "@/app/_server/page-guard";
import { CsvImport } from "@/components/inventory/csv-import";
import { InventoryNav } from "@/components/inventory/inventory-nav";
import { PageHeader } from "@/components/ui/page-header";
import { hasPermission } from "@/lib/auth/require-permission";
import { AGENT_COLUMNS } from "@/lib/inventory-csv/import-agents";
import { PEOPLE_COLUMNS } from "@/lib/inventory-csv/import-people";
import { importAgentsAction, importPeopleAction } from "../actions";

export const metadata: Metadata = { title: "Import and export" };

export default async function ImportPage() {
  const ctx = await requirePageActor("agents.read", "/agents/import");
  const canWrite = hasPermission(ctx.actor, "agents.write");
  return (
    <>
      <PageHeader title="Import and export" description="CSV in and out. An import is previewed row by row and written all at once, or not at all." />
      <InventoryNav current="/agents/import" />
      <section className="card" aria-labelledby="h-export">
        <h2 id="h-export">Export</h2>
        <p>
          <a className="button" href="/api/v1/people/export" download>
            Download people CSV
          </a>{" "}
          <a className="button" href="/api/v1/agents/export" download>
            Download agents CSV
          </a>
        </p>
      </section>
      {canWrite ? (
        <>
          <CsvImport title="Import people" columns={PEOPLE_COLUMNS.join(",")} action={importPeopleAction} />
          <CsvImport title="Import agents" columns={AGENT_COLUMNS.join(",")} action={importAgentsAction} />
        </>
      ) : (
        <p className="muted">Importing needs the security engineer or administrator role.</p>
      )}
    </>
  );
}
