import { exportJWK, exportPKCS8, generateKeyPair, importPKCS8, type CryptoKey, type JWK } from "jose";
import { getDb, type Executor } from "@/db/client";
import { hasKeyActiveAt, insertSigningKeyRow, listSigningKeyRows, lockSigningKeys, retireKeysActivatingBy } from "@/db/identity/signing-keys";
import { recordAudit } from "../audit/record-audit";
import { requirePermission } from "../auth/require-permission";
import { withTransaction, type Ctx } from "../context";
import { newId } from "../ids";
import { MAX_TASK_TOKEN_SECONDS, SIGNING_KEY_REFRESH_MS, TASK_TOKEN_ALG } from "./constants";
import { open, seal } from "./sealed-box";

/**
 * Steward's task-token signing keys. Rotation follows "publish before signing": a new key is in
 * the JWKS from its creation and signs only from `activatesAt` (default a minute later, so
 * verifiers caching the JWKS have it first); the key it replaces stays published for the longest
 * token lifetime after that, so tokens in flight keep verifying.
 */
type Signer = { kid: string; key: CryptoKey };
type KeySet = { at: number; signer: Signer | null; published: JWK[]; nextActivation: number | null };
const holder = globalThis as typeof globalThis & { __stewardSigningKeys?: Promise<KeySet> };

const sealContext = (kid: string) => `signing-key:${kid}`;

async function createKey(db: Executor, activatesAt: Date, createdAt: Date): Promise<string> {
  const { publicKey, privateKey } = await generateKeyPair(TASK_TOKEN_ALG, { extractable: true });
  const kid = newId("sk");
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: TASK_TOKEN_ALG, use: "sig" };
  await insertSigningKeyRow(db, { kid, alg: TASK_TOKEN_ALG, publicJwk, privateKeySealed: seal(await exportPKCS8(privateKey), sealContext(kid)), activatesAt, createdAt });
  return kid;
}

async function loadKeys(db: Executor, now: Date, before: KeySet | null): Promise<KeySet> {
  let rows = await listSigningKeyRows(db);
  if (!rows.some((row) => row.activatesAt <= now)) {
    // First use: one key, signing at once (nothing can have cached an older JWKS). The lock keeps
    // two processes from both creating one.
    await db.transaction(async (tx) => {
      await lockSigningKeys(tx);
      if (!(await hasKeyActiveAt(tx, now))) await createKey(tx, now, now);
    });
    rows = await listSigningKeyRows(db);
  }
  const active = rows.find((row) => row.activatesAt <= now)!;
  const pending = rows.filter((row) => row.activatesAt > now).map((row) => row.activatesAt.getTime());
  // The rows are re-read every SIGNING_KEY_REFRESH_MS (a rotation in another process); the private
  // key is opened and imported only when the signing key changed, not on every re-read.
  const signer = before?.signer?.kid === active.kid ? before.signer : { kid: active.kid, key: await importPKCS8(open(active.privateKeySealed, sealContext(active.kid)).toString("utf8"), TASK_TOKEN_ALG) };
  return {
    at: now.getTime(),
    signer,
    published: rows.filter((row) => row.createdAt <= now && (!row.retiresAt || row.retiresAt > now)).map((row) => row.publicJwk as JWK),
    nextActivation: pending.length ? Math.min(...pending) : null,
  };
}

async function keySet(now = new Date()): Promise<KeySet> {
  const cached = holder.__stewardSigningKeys ? await holder.__stewardSigningKeys.catch(() => null) : null;
  if (cached && now.getTime() - cached.at < SIGNING_KEY_REFRESH_MS && (cached.nextActivation === null || cached.nextActivation > now.getTime())) return cached;
  const loading = (async () => loadKeys(await getDb(), now, cached))();
  holder.__stewardSigningKeys = loading;
  return loading;
}

/** The key that signs now. */
export async function currentSigner(now = new Date()): Promise<Signer> {
  return (await keySet(now)).signer!;
}

/** The JWKS (RFC 7517) of `GET /oauth/jwks`: every published key, public parts only. */
export async function publishedJwks(now = new Date()): Promise<{ keys: JWK[] }> {
  return { keys: (await keySet(now)).published };
}

/** Public key of a published kid, for verifying Steward's own tokens (delegation, introspection). */
export async function publishedKey(kid: string, now = new Date()): Promise<JWK | undefined> {
  return (await keySet(now)).published.find((key) => key.kid === kid);
}

export function forgetSigningKeys(): void {
  holder.__stewardSigningKeys = undefined;
}

/**
 * Rotates: a new key is published now and signs after `leadSeconds`; every key it replaces retires
 * `MAX_TASK_TOKEN_SECONDS` after that (the last token it signed has expired by then).
 */
export async function rotateSigningKey({ ctx, input }: { ctx: Ctx; input: { leadSeconds?: number } }): Promise<{ kid: string; activatesAt: Date }> {
  requirePermission(ctx.actor, "identity.manage");
  const leadSeconds = Math.max(0, Math.min(86_400, Math.floor(input.leadSeconds ?? 60)));
  const result = await withTransaction(ctx, async (tx) => {
    const createdAt = new Date();
    const activatesAt = new Date(createdAt.getTime() + leadSeconds * 1000);
    await lockSigningKeys(tx);
    const retiresAt = new Date(activatesAt.getTime() + MAX_TASK_TOKEN_SECONDS * 1000);
    await retireKeysActivatingBy(tx, activatesAt, retiresAt);
    const kid = await createKey(tx, activatesAt, createdAt);
    await recordAudit(tx, ctx, { action: "signing_key.rotate", entityType: "signing_key", entityId: kid, after: { kid, activatesAt, previousRetireAt: retiresAt } });
    return { kid, activatesAt };
  });
  forgetSigningKeys();
  return result;
}
