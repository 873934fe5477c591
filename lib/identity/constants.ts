/** Fixed numbers of Steward's token service; docs/identity.md states each. */

/** Allowed clock difference when checking `exp`, `nbf` and `iat` of presented credentials (seconds). */
export const CLOCK_SKEW_SECONDS = 30;
/** Longest lifetime of a task token, whatever the setting says (seconds; the 15 minutes). */
export const MAX_TASK_TOKEN_SECONDS = 900;
/** A presented SVID or client assertion living longer than this is refused (seconds). */
export const MAX_CREDENTIAL_SECONDS = 3600;
/** Signing algorithm of task tokens (the contract with the gateway). */
export const TASK_TOKEN_ALG = "ES256";
export const TASK_TOKEN_TYP = "at+jwt";
/** How often a process re-reads the signing keys (ms): a rotation elsewhere is picked up within this. */
export const SIGNING_KEY_REFRESH_MS = 5_000;
/** Advisory lock taken by every append to the revocation feed (also in migration 0010). */
export const REVOCATION_LOCK_KEY = 7_363_013;
export const REVOCATION_CHANNEL = "steward_revocations";

export const TOKEN_EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange";
export const TOKEN_TYPE_JWT = "urn:ietf:params:oauth:token-type:jwt";
export const TOKEN_TYPE_ACCESS = "urn:ietf:params:oauth:token-type:access_token";
export const TOKEN_TYPE_ID = "urn:ietf:params:oauth:token-type:id_token";
/** RFC 9396 `authorization_details` type that names the task and its purpose. */
export const STEWARD_TASK_DETAILS_TYPE = "steward_task";

/** Asymmetric algorithms a trust domain may allow; never `none`, never an HMAC. */
export const ASYMMETRIC_ALGS = ["ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "EdDSA"] as const;
export type AsymmetricAlg = (typeof ASYMMETRIC_ALGS)[number];
