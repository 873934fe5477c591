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
  "policy.create",
  "policy.update",
  "policy.delete",
  "policy_schema.update",
  "policy_entities.update",
  "policy_test.create",
  "policy_test.update",
  "policy_test.delete",
  "policy_draft.approve",
  "policy_version.publish",
  "policy_version.rollback",
  "policy_replay.start",
  "policy_replay.cancel",
]);
export type AuditAction = z.infer<typeof AuditAction>;
