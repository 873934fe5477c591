/**
 * Whether a recorded decision was about a destructive action, judged when the decision arrives.
 *
 * Order (first that answers decides):
 * 1. an explicit boolean `destructive` the enforcement point reported — the MCP gateway sets it from the
 *    tool catalog's `destructiveHint` annotation (and admin overrides), Steward's PDP from the admin
 *    entity flags — in `context.destructive` or `resource.properties.destructive`;
 * 2. the names: the action name and the resource id (an MCP gateway's action is `tools/call` and the
 *    tool is the resource), split into words across naming styles (`s3:DeleteObject`, `delete_file`,
 *    `rm-rf`, `DROP TABLE`) and compared case-insensitively with common destroying or revoking verbs.
 */
export const DESTRUCTIVE_VERBS: readonly string[] = [
  "delete", "del", "drop", "destroy", "remove", "rm", "rmdir", "truncate", "purge", "wipe", "terminate", "erase",
  "revoke", "kill", "shutdown", "deprovision", "decommission", "uninstall", "overwrite", "reset", "format", "disable",
  "detach", "deregister", "unregister", "unlink", "expunge", "nuke", "shred", "evict", "cancel",
];
const VERBS = new Set(DESTRUCTIVE_VERBS);

/** Words of a name in any naming style: camelCase/PascalCase, snake_case, kebab-case, dotted, colon or slash paths. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** True when any word of the name is a destructive verb. */
export function isDestructiveName(name: string | null | undefined): boolean {
  return !!name && nameWords(name).some((word) => VERBS.has(word));
}

const explicitFlag = (record: unknown): boolean | null => {
  if (!record || typeof record !== "object" || Array.isArray(record)) return null;
  const value = (record as Record<string, unknown>).destructive;
  return typeof value === "boolean" ? value : null;
};

/** The ingest-time judgement (see the module comment). */
export function judgeDestructive(decision: { actionName: string; resourceId: string; context?: unknown; resourceProperties?: unknown }): boolean {
  const reported = explicitFlag(decision.context) ?? explicitFlag(decision.resourceProperties);
  if (reported !== null) return reported;
  return isDestructiveName(decision.actionName) || isDestructiveName(decision.resourceId);
}
