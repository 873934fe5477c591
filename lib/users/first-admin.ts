import { countActiveAdmins, countUsers, getUserByEmail } from "@/db/users";
import { getDb } from "@/db/client";
import { advisoryXactLock } from "@/db/locks";
import { systemContext } from "../auth/actor";
import { hashPassword } from "../auth/password";
import { StewardError } from "../errors";
import { insertUser } from "./create-user";
import { requireSetupCode } from "./setup-code";
import { SetupAdminInput } from "./schemas";

/** Serialises first-user creation so two simultaneous setups cannot both succeed. */
const SETUP_LOCK_KEY = 7_363_003;

export async function isSetupNeeded(): Promise<boolean> {
  return (await countUsers(await getDb())) === 0;
}

/**
 * The one-time setup page: allowed only while no user exists at all, and only with the setup code
 * printed in the server's log (lib/users/setup-code.ts), so the first person to reach the port
 * cannot take the console.
 */
export async function setupFirstAdmin({ input, ip, setupCode }: { input: unknown; ip: string | null; setupCode: string | undefined }) {
  requireSetupCode(setupCode);
  const data = SetupAdminInput.parse(input);
  const passwordHash = await hashPassword(data.password);
  const db = await getDb();
  return db.transaction(async (tx) => {
    await advisoryXactLock(tx, SETUP_LOCK_KEY);
    if ((await countUsers(tx)) > 0) throw new StewardError("forbidden", "Setup is already complete; sign in instead");
    const ctx = { ...systemContext("first-run setup"), ip };
    return insertUser(tx, ctx, { ...data, role: "admin", passwordHash }, "user.setup");
  });
}

/** At start: when no active admin exists and STEWARD_ADMIN_EMAIL/PASSWORD are set, create that admin. */
export async function bootstrapAdminFromConfig(admin: { email: string; password: string } | undefined): Promise<void> {
  if (!admin) return;
  const db = await getDb();
  await db.transaction(async (tx) => {
    await advisoryXactLock(tx, SETUP_LOCK_KEY);
    if ((await countActiveAdmins(tx)) > 0) return;
    if (await getUserByEmail(tx, admin.email)) return; // never overwrite a person who already exists
    await insertUser(tx, systemContext("bootstrap admin"), { email: admin.email, name: "Administrator", role: "admin", passwordHash: await hashPassword(admin.password) }, "user.bootstrap");
  });
}
