import { ASYMMETRIC_ALGS, STEWARD_TASK_DETAILS_TYPE, TASK_TOKEN_ALG, TOKEN_EXCHANGE_GRANT } from "./constants";

/** RFC 8414 authorization-server metadata for `issuer` (the console's public origin). */
export function authorizationServerMetadata(issuer: string) {
  return {
    issuer,
    token_endpoint: `${issuer}/oauth/token`,
    jwks_uri: `${issuer}/oauth/jwks`,
    revocation_endpoint: `${issuer}/oauth/revoke`,
    introspection_endpoint: `${issuer}/oauth/introspect`,
    grant_types_supported: [TOKEN_EXCHANGE_GRANT],
    token_endpoint_auth_methods_supported: ["none"],
    // Agents authenticate by the credential they exchange: a JWT-SVID or an RFC 7523 assertion.
    token_endpoint_auth_signing_alg_values_supported: [...ASYMMETRIC_ALGS],
    revocation_endpoint_auth_methods_supported: ["none"],
    introspection_endpoint_auth_methods_supported: ["bearer"],
    authorization_details_types_supported: [STEWARD_TASK_DETAILS_TYPE],
    // RFC 9068 §2.1: task tokens are JWTs signed with this algorithm.
    access_token_signing_alg_values_supported: [TASK_TOKEN_ALG],
  };
}
