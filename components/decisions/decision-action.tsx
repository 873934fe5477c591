/** `action.kind` of the decisions the token service records for each scope it grants or refuses in a task token. */
export const TOKEN_ISSUANCE = "token_issuance";

const ISSUANCE_HINT = "A scope the token service granted or refused in a task token (OAuth token exchange), not a call through an enforcement point";

/**
 * An action as recorded. A token-issuance decision says so beside the name: its "allow" means the
 * scope went into a task token, not that the call went through (each call is decided again).
 */
export function DecisionAction({ name, kind, clip = false }: { name: string; kind?: string | null; clip?: boolean }) {
  return (
    <>
      {clip ? (
        <span className="cell-clip" title={name}>
          {name}
        </span>
      ) : (
        <code>{name}</code>
      )}
      {kind === TOKEN_ISSUANCE ? (
        <>
          {" "}
          <span className="badge" title={ISSUANCE_HINT}>
            token issuance
          </span>
        </>
      ) : null}
    </>
  );
}
