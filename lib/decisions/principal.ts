/**
 * A principal as senders write it: a string (`"alice"`, `"spiffe://corp/ns/a/sa/b"`) or an object
 * (`{id}`, `{sub}`, `{name}`, in that order). Both shapes of the same principal give the same ref,
 * so one agent is created, not two. Returns undefined for anything else (numbers count as text).
 */
export type Principal = { ref: string; name?: string };

const text = (value: unknown): string | undefined => (typeof value === "string" && value.trim() ? value.trim() : typeof value === "number" && Number.isFinite(value) ? String(value) : undefined);

export function readPrincipal(value: unknown): Principal | undefined {
  const direct = text(value);
  if (direct) return { ref: direct };
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const object = value as Record<string, unknown>;
  const ref = text(object.id) ?? text(object.sub) ?? text(object.name);
  if (!ref) return undefined;
  const name = text(object.name) ?? text(object.display_name);
  return { ref, ...(name && name !== ref ? { name } : {}) };
}

/** `spiffe://…` refs are SPIFFE ids (recorded as the agent's spiffe_id identity too). */
export const spiffeOf = (ref: string) => (/^spiffe:\/\/[^/]+\/./.test(ref) ? ref : undefined);

/** Whether text looks like a network address (`10.0.0.4:5123`, `[::1]:80`, `192.168.1.9`): never an identity. */
export function isNetworkAddress(value: string): boolean {
  // Fast path (this runs per event): an address starts with a digit or "[", or holds a colon.
  const first = value.charCodeAt(0);
  if (!(first >= 48 && first <= 57) && first !== 91 && !value.includes(":")) return false;
  return /^(\d{1,3}\.){3}\d{1,3}(:\d+)?$/.test(value) || /^\[[0-9a-f:.]+\](:\d+)?$/i.test(value) || /^[0-9a-f]*:[0-9a-f:]*:[0-9a-f:.]*$/i.test(value);
}
