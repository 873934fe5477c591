import { z } from "zod";
import { CreateApiTokenInput } from "../../api-tokens/api-tokens";
import { PatchUserInput } from "../../users/update-user-status";
import { CreateUserInput, UserView } from "../../users/schemas";
import { AuditCheckpoint, VerifyAuditInput } from "../../audit/checkpoint";
import { ListUsersQuery } from "../../users/list-users";
import type { ApiOperation } from "../operation";

const ChainVerdictJson = z.object({
  intact: z.boolean(),
  checked: z.number().int().describe("Entries whose link and keyed hash were checked"),
  brokenAt: z.object({ seq: z.number().int(), id: z.string(), reason: z.string() }).optional().describe("The first altered entry, or the checkpoint a truncation or rewrite contradicts"),
  legacyEntries: z.number().int().optional().describe("Entries from before keyed hashing (plain SHA-256)"),
  checkpoint: z.object({ state: z.enum(["matched", "none", "unreadable"]), seq: z.number().int().optional(), at: z.string().optional(), problem: z.string().optional() }).optional(),
});

const ApiTokenView = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().describe("The first characters of the secret, to recognise it"),
  status: z.enum(["active", "expired", "revoked"]),
  createdAt: z.string(),
  expiresAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
const UserJson = UserView.extend({ createdAt: z.string(), lastSignInAt: z.string().nullable() });

export const consoleOperations: ApiOperation[] = [
  { method: "get", path: "/api/v1/users", summary: "List console users", tag: "People", permission: "users.read", auth: "user", query: ListUsersQuery, responses: { 200: { description: "Users", schema: z.object({ users: z.array(UserJson) }) } } },
  { method: "post", path: "/api/v1/users", summary: "Create a console user", tag: "People", permission: "users.manage", auth: "user", body: CreateUserInput, responses: { 201: { description: "Created", schema: z.object({ user: UserJson }) }, 409: { description: "The email is taken" } } },
  { method: "get", path: "/api/v1/users/{id}", summary: "Get a console user", tag: "People", permission: "users.read", auth: "user", responses: { 200: { description: "The user", schema: z.object({ user: UserJson }) }, 404: { description: "No such user" } } },
  { method: "patch", path: "/api/v1/users/{id}", summary: "Change a user's role or deactivate/reactivate them", description: "Deactivation ends the person's sessions and revokes their tokens at once.", tag: "People", permission: "users.manage", auth: "user", body: PatchUserInput, responses: { 200: { description: "Updated", schema: z.object({ user: UserJson }) }, 412: { description: "Would leave no active administrator" } } },
  { method: "get", path: "/api/v1/tokens", summary: "List your personal API tokens", tag: "Tokens", permission: "tokens.manage_own", auth: "user", responses: { 200: { description: "Tokens (never their secrets)", schema: z.object({ tokens: z.array(ApiTokenView) }) } } },
  { method: "post", path: "/api/v1/tokens", summary: "Create a personal API token (signed-in session only)", tag: "Tokens", permission: "tokens.manage_own", auth: "user", body: CreateApiTokenInput, responses: { 201: { description: "The secret, shown once", schema: z.object({ token: ApiTokenView, secret: z.string() }) } } },
  { method: "delete", path: "/api/v1/tokens/{id}", summary: "Revoke one of your tokens", tag: "Tokens", permission: "tokens.manage_own", auth: "user", responses: { 200: { description: "Revoked", schema: z.object({ token: ApiTokenView }) }, 404: { description: "No such token of yours" } } },
  { method: "get", path: "/api/v1/audit/checkpoint", summary: "The signed head of the audit chain, for an auditor to keep", description: "Verifies the chain first; `checkpoint` is null when the chain is broken or empty. Keep it and send it back to POST /api/v1/audit/verify later: a truncation or rewrite since then is named. See docs/audit.md.", tag: "Audit", permission: "audit.read", auth: "user", responses: { 200: { description: "The checkpoint and the verdict", schema: z.object({ checkpoint: AuditCheckpoint.nullable(), verdict: ChainVerdictJson }) } } },
  { method: "post", path: "/api/v1/audit/verify", summary: "Verify the audit chain against its checkpoint file and the checkpoints you kept", tag: "Audit", permission: "audit.read", auth: "user", body: VerifyAuditInput, responses: { 200: { description: "The verdict", schema: ChainVerdictJson } } },
];
