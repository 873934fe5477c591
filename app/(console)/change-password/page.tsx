import { z } from "zod";
import { readPageQuery } from "@/lib/http/query";
import type { Metadata } from "next";
import { requirePageActor } from "@/app/_server/page-guard";
import Link from "next/link";
import { PageHeader } from "@/components/ui/page-header";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password";
import { ChangePasswordForm } from "@/components/auth/change-password-form";
import { changeOwnPasswordAction } from "./actions";

export const metadata: Metadata = { title: "Change password" };

const ChangedQuery = z.object({ changed: z.literal("1").optional() });

export default async function ChangePasswordPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requirePageActor("console.read", "/change-password", { allowPendingPasswordChange: true });
  const required = ctx.actor.type === "user" && ctx.actor.mustChangePassword === true;
  const changed = readPageQuery(await searchParams, ChangedQuery).changed === "1" && !required;
  return (
    <>
      <PageHeader title="Change password" description="Changing your password signs you out everywhere else." />
      <section className="card" aria-labelledby="change-password-heading">
        <h2 id="change-password-heading">Your password</h2>
        {changed ? (
          <div className="notice ok" role="status">
            <p>Your password is changed. Every other session of yours has ended.</p>
            <p>
              <Link href="/">Go to the overview</Link>
            </p>
          </div>
        ) : null}
        {required ? (
          <p className="notice error" role="alert">
            An administrator reset your password. Enter the temporary password you were given, then choose your own before you continue.
          </p>
        ) : null}
        <ChangePasswordForm minLength={MIN_PASSWORD_LENGTH} changePassword={changeOwnPasswordAction} />
      </section>
    </>
  );
}
