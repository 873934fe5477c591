import { z } from "zod";
import { MIN_PASSWORD_LENGTH } from "../auth/password";
import { ROLES } from "../auth/permissions";

export const Email = z.string().trim().toLowerCase().email("Enter a valid email address").max(254);
export const Password = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `Use at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(1024, "Use at most 1024 characters");
export const RoleSchema = z.enum(ROLES);

export const CreateUserInput = z.object({
  email: Email,
  name: z.string().trim().min(1, "Enter a name").max(200),
  role: RoleSchema,
  password: Password,
});
export type CreateUserInput = z.infer<typeof CreateUserInput>;

export const SetupAdminInput = CreateUserInput.omit({ role: true });
export type SetupAdminInput = z.infer<typeof SetupAdminInput>;

export const UpdateUserRoleInput = z.object({ userId: z.string().min(1), role: RoleSchema });
export const UserIdInput = z.object({ userId: z.string().min(1) });

export const UserView = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: RoleSchema,
  active: z.boolean(),
  authProvider: z.enum(["local", "oidc"]),
  createdAt: z.date(),
  lastSignInAt: z.date().nullable(),
});
export type UserView = z.infer<typeof UserView>;
