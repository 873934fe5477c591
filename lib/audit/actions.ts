import { z } from "zod";

/** Every audited change, as entity.verb. Add to this list when adding a mutating verb. */
export const AuditAction = z.enum([
  "user.setup",
  "user.bootstrap",
  "user.create",
  "user.update_role",
  "user.deactivate",
  "user.reactivate",
  "user.sign_in_sso",
  "api_token.create",
  "api_token.revoke",
  "settings.update",
  "enforcement_point.register",
  "enforcement_point.rotate_token",
  "enforcement_point.revoke_tokens",
  "enforcement_point.enable",
  "enforcement_point.disable",
  "enforcement_point.update_opa_mapping",
]);
export type AuditAction = z.infer<typeof AuditAction>;
