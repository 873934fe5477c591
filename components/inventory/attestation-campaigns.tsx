import { ActionForm } from "@/components/ui/action-form";
import { DataTable } from "@/components/ui/data-table";
import type { FormAction } from "@/lib/http/action-result";

export type CampaignRow = { id: string; name: string; startedBy: string; total: number; attested: number; overdue: number; dueAt: Date; closedAt: Date | null };

/** Attestation campaigns: progress and overdue counts; engineers start and close them (the actions passed in). */
export function AttestationCampaigns({ campaigns, canManage, startCampaign, closeCampaign }: { campaigns: CampaignRow[]; canManage: boolean; startCampaign: FormAction; closeCampaign: FormAction }) {
  return (
    <section className="card" aria-labelledby="h-campaigns">
      <h2 id="h-campaigns">Attestation campaigns</h2>
      <p className="muted">Owners re-confirm ownership and scope of each live agent they own on their “My agents” page.</p>
      {canManage ? (
        <ActionForm action={startCampaign} submitLabel="Start campaign" label="Start an attestation campaign" confirm="Ask every owner to attest all their live agents?" successMessage="Campaign started.">
          <div className="field">
            <label htmlFor="c-name">Name</label>
            <input id="c-name" name="name" defaultValue={`Attestation ${new Date().toISOString().slice(0, 7)}`} />
          </div>
          <div className="field">
            <label htmlFor="c-due">Due in (days)</label>
            <input id="c-due" name="dueInDays" type="number" min={1} max={365} defaultValue={14} />
          </div>
        </ActionForm>
      ) : null}
      {campaigns.length === 0 ? (
        <p>No campaign yet. {canManage ? "Start one above to ask every owner to re-confirm the agents they own." : "Security engineers start them."}</p>
      ) : (
        <DataTable
          caption="Campaigns"
          rows={campaigns}
          rowKey={(campaign) => campaign.id}
          columns={[
            {
              header: "Campaign",
              cell: (campaign) => (
                <>
                  {campaign.name}
                  <div className="muted small">started by {campaign.startedBy}</div>
                </>
              ),
            },
            {
              header: "Progress",
              cell: (campaign) => (
                <>
                  <progress max={Math.max(1, campaign.total)} value={campaign.attested} aria-label={`${campaign.name} progress`} /> {campaign.attested} / {campaign.total}
                </>
              ),
            },
            { header: "Overdue", cell: (campaign) => (campaign.overdue ? <span className="badge danger">{campaign.overdue}</span> : 0) },
            { header: "Due", cell: (campaign) => campaign.dueAt.toISOString().slice(0, 10) },
            {
              header: "State",
              cell: (campaign) =>
                campaign.closedAt ? (
                  "Closed"
                ) : canManage ? (
                  <ActionForm action={closeCampaign} submitLabel="Close" label={`Close ${campaign.name}`} confirm="Close this campaign? Unanswered requests stop counting as overdue." danger>
                    <input type="hidden" name="campaignId" value={campaign.id} />
                  </ActionForm>
                ) : (
                  "Open"
                ),
            },
          ]}
        />
      )}
    </section>
  );
}
