import { z } from "zod";
import { getDb } from "@/db/client";
import { listUsersByEmail } from "@/db/users";
import { requirePermission } from "../auth/require-permission";
import type { Ctx } from "../context";
import { sortParam } from "../http/query";
import { toUserView } from "./user-view";

/** GET /api/v1/users and the Console users page: the order (name, email, role, status: active first, lastSignIn: never first). */
export const ListUsersQuery = z.object({ sort: sortParam(["name", "email", "role", "status", "lastSignIn"], "email") });
export type ListUsersQuery = z.infer<typeof ListUsersQuery>;

export async function listUsers({ ctx, sort }: { ctx: Ctx; sort?: ListUsersQuery["sort"] }) {
  requirePermission(ctx.actor, "users.read");
  const rows = await listUsersByEmail(await getDb(), sort);
  return rows.map(toUserView);
}
