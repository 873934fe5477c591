import type { DecisionFilter } from "@/lib/decisions/filters";

/** A GET form: the filters live in the URL, so a filtered view can be bookmarked and shared. */
export function FilterForm({ action, filter, enforcementPoints, outcomes, children }: { action: string; filter: DecisionFilter; enforcementPoints: { id: string; name: string }[]; outcomes: readonly string[]; children?: React.ReactNode }) {
  return (
    <form method="get" action={action} className="inline decision-filters" aria-label="Filter decisions">
      <div className="field">
        <label htmlFor="filter-agent">Agent</label>
        <input id="filter-agent" name="agent" defaultValue={filter.agent ?? ""} placeholder="id or name" />
      </div>
      <div className="field">
        <label htmlFor="filter-action">Action</label>
        <input id="filter-action" name="action" defaultValue={filter.action ?? ""} />
      </div>
      <div className="field">
        <label htmlFor="filter-outcome">Outcome</label>
        <select id="filter-outcome" name="outcome" defaultValue={filter.outcome ?? ""}>
          <option value="">any</option>
          {outcomes.map((outcome) => (
            <option key={outcome} value={outcome}>
              {outcome}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-ep">Enforcement point</label>
        <select id="filter-ep" name="ep" defaultValue={filter.ep ?? ""}>
          <option value="">any</option>
          {enforcementPoints.map((ep) => (
            <option key={ep.id} value={ep.id}>
              {ep.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="filter-q">Text</label>
        <input id="filter-q" name="q" type="search" defaultValue={filter.q ?? ""} placeholder="resource, trace, decision id…" />
      </div>
      {children}
      <button type="submit" className="primary">
        Apply
      </button>
    </form>
  );
}
