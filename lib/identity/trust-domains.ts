import { z } from "zod";
import { getDb, type Executor } from "@/db/client";
import { listenForChanges, notifyChannel } from "@/db/notify";
import { deleteTrustDomainRow, getTrustDomainRowByName, insertTrustDomainRow, listTrustDomainRows, updateTrustDomainRow, type TrustDomainRow } from "@/db/identity/trust-domains";
import { recordAudit } from "../audit/record-audit";
import { requirePermission } from "../auth/require-permission";
import { withTransaction, type Ctx } from "../context";
import { notFound, StewardError } from "../errors";
import { newId } from "../ids";
import { ASYMMETRIC_ALGS } from "./constants";

/**
 * SPIFFE trust domains whose JWT-SVIDs Steward accepts. The JWT bundle is uploaded (a JWKS) or
 * fetched — from a SPIRE bundle endpoint (a SPIFFE bundle: a JWKS whose JWT-SVID keys have
 * `use: "jwt-svid"`) or through OIDC discovery (`/.well-known/openid-configuration` → `jwks_uri`) —
 * and refreshed every `refreshSeconds`. A failed fetch keeps the last good bundle and records the
 * error; verification never runs on an empty or partly parsed bundle.
 */
const FETCH_TIMEOUT_MS = 5_000;
const MAX_BUNDLE_BYTES = 256 * 1024;
/** An unknown kid triggers at most one refetch per domain in this many ms. */
const UNKNOWN_KID_REFETCH_MS = 30_000;
/**
 * How long this process reuses a domain row it read for verification (ms). A change made in this
 * process (create, delete, refresh) takes effect at once; one made by another process (a second
 * console on the same database) as soon as its NOTIFY arrives. This bound only matters while the
 * listening connection is down.
 */
export const TRUST_DOMAIN_CACHE_MS = 5_000;
const CHANGED_CHANNEL = "steward_trust_domains_changed";
const holder = globalThis as typeof globalThis & { __stewardTrustDomains?: Map<string, { at: number; row: TrustDomainRow | null }> };
const domainCache = (holder.__stewardTrustDomains ??= new Map());

/** Another process's registration or deletion of a domain clears this cache. */
const listenForDomainChanges = () => listenForChanges(CHANGED_CHANNEL, () => domainCache.clear(), `cached domains expire after ${TRUST_DOMAIN_CACHE_MS} ms`);

/** Drops the cached domain rows (after a change to any of them). */
export function forgetTrustDomains(): void {
  domainCache.clear();
}

const PublicJwk = z
  .object({ kty: z.enum(["EC", "RSA", "OKP"], { message: "Only asymmetric keys (EC, RSA, OKP) are accepted; never a symmetric (oct) key" }), kid: z.string().min(1).max(200).optional(), use: z.string().optional(), alg: z.string().optional() })
  .catchall(z.unknown())
  .refine((key) => !("d" in key) && !("p" in key) && !("k" in key), { message: "A private key was sent; upload the public key only" });
export const Jwks = z.object({ keys: z.array(PublicJwk).max(100) });

const DomainName = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/, "A trust domain is a DNS-like name such as example.org (no scheme, no path)");

export const TrustDomainInput = z
  .object({
    name: DomainName,
    source: z.enum(["jwks", "spiffe_bundle", "oidc"]).default("jwks"),
    url: z.string().url().max(2000).nullable().optional(),
    jwks: Jwks.optional(),
    allowedAlgs: z.array(z.enum(ASYMMETRIC_ALGS)).min(1, "Allow at least one algorithm").default(["ES256", "RS256"]),
    refreshSeconds: z.number().int().min(30).max(86_400).default(300),
    x509Bundle: z.string().max(200_000).nullable().optional(),
  })
  .refine((value) => (value.source === "jwks" ? !!value.jwks : !!value.url), { message: "Upload a JWKS, or give the bundle endpoint / OIDC issuer URL", path: ["url"] });

export type { TrustDomainRow };

export function trustDomainView(row: TrustDomainRow) {
  return {
    id: row.id,
    name: row.name,
    source: row.source,
    url: row.url,
    allowedAlgs: row.allowedAlgs,
    refreshSeconds: row.refreshSeconds,
    keyIds: row.jwks.keys.map((key) => String(key.kid ?? "")),
    hasX509Bundle: !!row.x509Bundle,
    enabled: row.enabled,
    lastFetchedAt: row.lastFetchedAt,
    lastFetchError: row.lastFetchError,
    createdAt: row.createdAt,
  };
}

async function readLimited(response: Response): Promise<unknown> {
  const text = await response.text();
  if (Buffer.byteLength(text) > MAX_BUNDLE_BYTES) throw new Error(`the response is larger than ${MAX_BUNDLE_BYTES / 1024} KiB`);
  return JSON.parse(text);
}

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: "application/json" }, redirect: "error" });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return readLimited(response);
}

/** Fetches the JWT bundle of a domain: SPIFFE bundle keys with `use: "jwt-svid"` (or no use), or an OIDC issuer's JWKS. */
export async function fetchBundle(source: TrustDomainRow["source"], url: string): Promise<z.infer<typeof Jwks>> {
  if (source === "oidc") {
    const discovery = z.object({ jwks_uri: z.string().url() }).parse(await getJson(`${url.replace(/\/$/, "")}/.well-known/openid-configuration`));
    return Jwks.parse(await getJson(discovery.jwks_uri));
  }
  const bundle = z.object({ keys: z.array(z.record(z.string(), z.unknown())) }).parse(await getJson(url));
  return Jwks.parse({ keys: bundle.keys.filter((key) => key.use === undefined || key.use === "jwt-svid" || key.use === "sig") });
}

export async function listTrustDomains({ ctx }: { ctx: Ctx }) {
  requirePermission(ctx.actor, "identity.read");
  const rows = await listTrustDomainRows(ctx.tx ?? (await getDb()));
  return rows.map(trustDomainView);
}

/** Registers a trust domain; a fetched bundle is fetched now and must succeed. */
export async function createTrustDomain({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "identity.manage");
  const data = TrustDomainInput.parse(input);
  const jwks = data.source === "jwks" ? data.jwks! : await fetchBundle(data.source, data.url!).catch((error: unknown) => {
    throw new StewardError("invalid_input", `Could not fetch the bundle: ${(error as Error).message}`, { path: "url" });
  });
  return withTransaction(ctx, async (tx) => {
    if (await getTrustDomainRowByName(tx, data.name)) throw new StewardError("conflict", `The trust domain ${data.name} is already registered`, { path: "name" });
    const row = await insertTrustDomainRow(tx, { id: newId("td"), name: data.name, source: data.source, url: data.url ?? null, jwks, allowedAlgs: data.allowedAlgs, refreshSeconds: data.refreshSeconds, x509Bundle: data.x509Bundle ?? null, lastFetchedAt: data.source === "jwks" ? null : new Date() });
    const view = trustDomainView(row);
    await recordAudit(tx, ctx, { action: "trust_domain.create", entityType: "trust_domain", entityId: row.id, after: view });
    await notifyChannel(tx, CHANGED_CHANNEL);
    return view;
  }).finally(forgetTrustDomains);
}

export async function deleteTrustDomain({ ctx, input }: { ctx: Ctx; input: { id: string } }) {
  requirePermission(ctx.actor, "identity.manage");
  return withTransaction(ctx, async (tx) => {
    const row = await deleteTrustDomainRow(tx, input.id);
    if (!row) throw notFound("Trust domain", input.id);
    await recordAudit(tx, ctx, { action: "trust_domain.delete", entityType: "trust_domain", entityId: row.id, before: trustDomainView(row) });
    await notifyChannel(tx, CHANGED_CHANNEL);
  }).finally(forgetTrustDomains);
}

const lastUnknownKidFetch = new Map<string, number>();
/** When this process last tried a refresh per domain: a failing endpoint is retried at most every 30 s, not on every SVID. */
const lastAttempt = new Map<string, number>();
const RETRY_FAILED_FETCH_MS = 30_000;

/**
 * Refreshes a fetched bundle. Failure keeps the last good keys and records why (last-good cache);
 * returns the row as it stands afterwards.
 */
export async function refreshTrustDomain(db: Executor, row: TrustDomainRow, now = new Date()): Promise<TrustDomainRow> {
  if (row.source === "jwks" || !row.url) return row;
  lastAttempt.set(row.id, now.getTime());
  forgetTrustDomains();
  try {
    const jwks = await fetchBundle(row.source, row.url);
    const updated = await updateTrustDomainRow(db, row.id, { jwks, lastFetchedAt: now, lastFetchError: null, updatedAt: now });
    return updated ?? row;
  } catch (error) {
    const message = (error as Error).message.slice(0, 500);
    await updateTrustDomainRow(db, row.id, { lastFetchError: message, updatedAt: now });
    return { ...row, lastFetchError: message };
  }
}

/**
 * The enabled domain of that name with its bundle, refreshed when due, or when `kid` is not in it
 * (a key rotated at the source) at most once per UNKNOWN_KID_REFETCH_MS.
 */
export async function trustDomainForVerification(db: Executor, name: string, kid: string | undefined, now = new Date()): Promise<TrustDomainRow | null> {
  await listenForDomainChanges();
  const cached = domainCache.get(name);
  let row: TrustDomainRow | null;
  if (cached && Date.now() - cached.at < TRUST_DOMAIN_CACHE_MS) row = cached.row;
  else {
    row = await getTrustDomainRowByName(db, name);
    domainCache.set(name, { at: Date.now(), row });
  }
  if (!row || !row.enabled) return null;
  const due =
    row.source !== "jwks" &&
    (!row.lastFetchedAt || now.getTime() - row.lastFetchedAt.getTime() >= row.refreshSeconds * 1000) &&
    now.getTime() - (lastAttempt.get(row.id) ?? 0) >= Math.min(RETRY_FAILED_FETCH_MS, row.refreshSeconds * 1000);
  const unknownKid = kid !== undefined && !row.jwks.keys.some((key) => key.kid === kid);
  if (due) return refreshTrustDomain(db, row, now);
  if (unknownKid && row.source !== "jwks" && now.getTime() - (lastUnknownKidFetch.get(row.id) ?? 0) >= UNKNOWN_KID_REFETCH_MS) {
    lastUnknownKidFetch.set(row.id, now.getTime());
    return refreshTrustDomain(db, row, now);
  }
  return row;
}
