import { asc } from "drizzle-orm";
import { getDb } from "@/db/client";
import { users } from "@/db/schema";
import { requirePermission } from "../auth/require-permission";
import type { Ctx } from "../context";
import { toUserView } from "./user-view";

export async function listUsers({ ctx }: { ctx: Ctx }) {
  requirePermission(ctx.actor, "users.read");
  const rows = await (await getDb()).select().from(users).orderBy(asc(users.email));
  return rows.map(toUserView);
}
