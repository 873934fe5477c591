import { getUserByEmail, insertUserRow } from "@/db/users";
import type { Tx } from "@/db/client";
import { recordAudit } from "../audit/record-audit";
import type { AuditAction } from "../audit/actions";
import { hashPassword } from "../auth/password";
import { requirePermission } from "../auth/require-permission";
import { withTransaction, type Ctx } from "../context";
import { StewardError } from "../errors";
import { newId } from "../ids";
import { CreateUserInput } from "./schemas";
import { toUserView } from "./user-view";

/** An admin creates (invites) a console user with an initial password. */
export async function createUser({ ctx, input }: { ctx: Ctx; input: unknown }) {
  requirePermission(ctx.actor, "users.manage");
  const data = CreateUserInput.parse(input);
  const passwordHash = await hashPassword(data.password);
  return withTransaction(ctx, (tx) => insertUser(tx, ctx, { ...data, passwordHash }, "user.create"));
}

/** Shared by every way a user comes to exist, so each is audited the same way. */
export async function insertUser(
  tx: Tx,
  ctx: Ctx,
  data: { email: string; name: string; role: CreateUserInput["role"]; passwordHash: string | null; authProvider?: "local" | "oidc" },
  action: AuditAction,
) {
  if (await getUserByEmail(tx, data.email)) {
    throw new StewardError("conflict", `A user with the email ${data.email} already exists`, { path: "email" });
  }
  const row = await insertUserRow(tx, { id: newId("usr"), email: data.email.toLowerCase(), name: data.name, role: data.role, passwordHash: data.passwordHash, authProvider: data.authProvider ?? "local" });
  const view = toUserView(row);
  await recordAudit(tx, ctx, { action, entityType: "user", entityId: view.id, after: view });
  return view;
}
