import { forbidden, notFound, redirect } from "next/navigation";
import { headers } from "next/headers";
import type { Actor } from "@/lib/auth/actor";
import { hasPermission, type AnyPermission } from "@/lib/auth/require-permission";
import { StewardError } from "@/lib/errors";
import { newId } from "@/lib/ids";
import { resolveActor } from "./actor";
import { clientIp } from "./request-meta";

/** Every page's first line: anonymous → sign-in, lacking the permission → 403 page. */
export async function requirePageActor(permission: AnyPermission, returnTo: string) {
  const requestHeaders = await headers();
  const actor = await resolveActor(requestHeaders);
  if (!actor) redirect(`/sign-in?callbackUrl=${encodeURIComponent(returnTo)}`);
  if (!hasPermission(actor, permission)) forbidden();
  return { actor: actor as Actor & { type: "user" }, requestId: newId("req"), ip: clientIp(requestHeaders) };
}

/** A page for a record that does not exist answers 404, not an error page. */
export async function orNotFound<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof StewardError && error.code === "not_found") notFound();
    throw error;
  }
}
