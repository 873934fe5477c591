import { ScopeOptions } from "./scope-options";
/** A GET form: the scope and period live in the URL, so views are linkable. */
export function ScopePicker({
  action,
  scope,
  days,
  teams,
  environments,
  extra,
}: {
  action: string;
  scope: string;
  days: number;
  teams: { id: string; name: string }[];
  environments: readonly string[];
  extra?: Record<string, string>;
}) {
  const isAgent = scope.startsWith("agent:");
  return (
    <form method="get" action={action} className="inline card scope-picker" aria-label="Evidence scope and period">
      {Object.entries(extra ?? {}).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <div className="field">
        <label htmlFor="scope">Scope</label>
        <select id="scope" name="scope" defaultValue={isAgent ? "all" : scope}>
          <ScopeOptions teams={teams} environments={environments} />
        </select>
      </div>
      <div className="field">
        <label htmlFor="days">Period (days)</label>
        <input id="days" name="days" type="number" min={1} max={3660} defaultValue={days} />
      </div>
      <button type="submit">Apply</button>
    </form>
  );
}
