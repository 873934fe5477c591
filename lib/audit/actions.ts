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
  "framework.import",
  "framework_item.set_applicability",
  "control_mapping.create",
  "control_mapping.delete",
  "manual_evidence.create",
  "report.create",
]);
export type AuditAction = z.infer<typeof AuditAction>;
