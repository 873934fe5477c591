/**
 * What an enforcement point's Audiences field asks for, by its kind. For every kind the audiences are
 * the resource URIs (RFC 8707) it serves: introspection shows it a task token as active, and the
 * console's secret store releases secrets to it, only for task tokens issued for one of them
 * (lib/identity/introspection.ts, lib/identity/secret-store.ts). Only a Steward Gateway
 * (`mcp-gateway`) serves them as a gateway: its public URL, the first one also filling its start
 * command's STEWARD_GATEWAY_PUBLIC_URL. Another kind names what it protects, or nothing if it never
 * checks task tokens.
 */
export function audiencesHint(kind: string): { hint: string; placeholder: string } {
  const rule = "Introspection shows it a task token as active, and secrets from the console's store are released to it, only for task tokens issued for one of these.";
  if (kind === "mcp-gateway") {
    return {
      hint: `This Steward Gateway's public URL, as its agents name it (resource) in their token exchange, e.g. https://gateway.internal — one per line; the first also fills its start command. ${rule}`,
      placeholder: "https://gateway.internal",
    };
  }
  return {
    hint: `Optional: the resource URIs (RFC 8707) of what this enforcement point protects, as agents name them (resource) in their token exchange, e.g. https://payments.internal — one per line. ${rule} Leave it empty if it never checks Steward task tokens.`,
    placeholder: "https://payments.internal",
  };
}
