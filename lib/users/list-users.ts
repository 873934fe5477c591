import { getDb } from "@/db/client";
import { listUsersByEmail } from "@/db/users";
import { requirePermission } from "../auth/require-permission";
import type { Ctx } from "../context";
import { toUserView } from "./user-view";

export async function listUsers({ ctx }: { ctx: Ctx }) {
  requirePermission(ctx.actor, "users.read");
  const rows = await listUsersByEmail(await getDb());
  return rows.map(toUserView);
}
