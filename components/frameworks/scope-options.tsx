/** The evidence scopes a select offers: everyone, each team, each environment. */
export function ScopeOptions({ teams, environments }: { teams: { id: string; name: string }[]; environments: readonly string[] }) {
  return (
    <>
      <option value="all">All agents</option>
      {teams.map((team) => (
        <option key={team.id} value={`team:${team.id}`}>
          Team {team.name}
        </option>
      ))}
      {environments.map((environment) => (
        <option key={environment} value={`environment:${environment}`}>
          Environment {environment}
        </option>
      ))}
    </>
  );
}
