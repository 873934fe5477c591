import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { headers } from "next/headers";
import { resolveActor } from "@/app/_server/actor";
import { getConfig } from "@/lib/config";
import { z } from "zod";
import { safeRedirectPath } from "@/lib/auth/safe-redirect";
import { readPageQuery } from "@/lib/http/query";
import { isSetupNeeded } from "@/lib/users/first-admin";
import { SignInForm, SsoButton } from "@/components/auth/sign-in-form";
import { signInAction, ssoSignInAction } from "./actions";

export const metadata: Metadata = { title: "Sign in" };

/**
 * `callbackUrl`: where to go after signing in (normalised by safeRedirectPath: only a path on this
 * origin); `signedOut`: set by sign-out; `error`: Auth.js's code when single sign-on did not complete.
 */
const SignInQuery = z.object({ callbackUrl: z.string().optional(), signedOut: z.string().optional(), error: z.string().max(100).optional() });

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  if (await resolveActor(await headers())) redirect("/");
  if (await isSetupNeeded()) redirect("/setup");
  const params = readPageQuery(await searchParams, SignInQuery);
  const callbackUrl = params.callbackUrl === undefined ? undefined : safeRedirectPath(params.callbackUrl);
  const oidc = getConfig().oidc;
  return (
    <main className="auth-page">
      <div className="card auth-card">
        <h1>Sign in to Steward</h1>
        {params.signedOut ? (
          <p className="notice ok" role="status">
            You have signed out.
          </p>
        ) : null}
        {params.error && params.error !== "CredentialsSignin" ? (
          <p className="notice error">Single sign-on did not complete. Ask an administrator whether your account is active.</p>
        ) : null}
        <SignInForm callbackUrl={callbackUrl} signIn={signInAction} />
        {oidc ? <SsoButton providerName={oidc.name} ssoSignIn={ssoSignInAction} /> : null}
      </div>
    </main>
  );
}
