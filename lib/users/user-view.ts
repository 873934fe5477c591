import type { UserRow } from "@/db/users";
import type { UserView } from "./schemas";

/** What leaves the server about a user: never the password hash. */
export function toUserView(row: UserRow): UserView {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    active: row.active,
    authProvider: row.authProvider,
    createdAt: row.createdAt,
    lastSignInAt: row.lastSignInAt,
  };
}
