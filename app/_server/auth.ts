import { createHmac, timingSafeEqual } from "node:crypto";
import NextAuth, { CredentialsSignin, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { getDb } from "@/db/client";
import { getUserByEmail } from "@/db/users";
import { systemContext } from "@/lib/auth/actor";
import { authErrorLogLine } from "@/lib/auth/auth-log";
import { safeRedirectPath } from "@/lib/auth/safe-redirect";
import { getConfig } from "@/lib/config";
import { currentSessionVersion, endSessionsAtSignOut } from "@/lib/users/session-version";
import { ensureStarted } from "@/lib/startup";
import { signInWithPassword } from "@/lib/users/sign-in";
import { upsertSsoUser } from "@/lib/users/sso";
import { clientIp } from "./request-meta";

class InvalidCredentials extends CredentialsSignin {
  override code = "invalid_credentials";
}
class TooManyAttempts extends CredentialsSignin {
  override code = "rate_limited";
}

const SESSION_MAX_AGE_SECONDS = 8 * 60 * 60;

/** Built lazily per request: configuration (and the generated secret) is read at run time, never at build. */
export const { handlers, auth, signIn, signOut, unstable_update } = NextAuth((): NextAuthConfig => {
  const config = getConfig();
  const providers: NextAuthConfig["providers"] = [
    Credentials({
      id: "credentials",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, request) {
        await ensureStarted();
        const email = typeof credentials?.email === "string" ? credentials.email : "";
        const password = typeof credentials?.password === "string" ? credentials.password : "";
        if (!email || !password) throw new InvalidCredentials();
        const result = await signInWithPassword({ email, password, ip: clientIp(request.headers), limits: config.signInLimits });
        if (result.ok) return { id: result.user.id, email: result.user.email, name: result.user.name };
        throw result.reason === "rate_limited" ? new TooManyAttempts() : new InvalidCredentials();
      },
    }),
  ];
  if (config.oidc) {
    providers.push({
      id: "oidc",
      name: config.oidc.name,
      type: "oidc",
      issuer: config.oidc.issuer,
      clientId: config.oidc.clientId,
      clientSecret: config.oidc.clientSecret,
      checks: ["pkce", "state", "nonce"],
    });
  }
  return {
    secret: config.authSecret,
    trustHost: true,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers,
    callbacks: {
      async signIn({ account, profile }) {
        if (account?.provider !== "oidc" || !config.oidc) return true;
        if (typeof profile?.email !== "string") return false;
        await ensureStarted();
        const user = await upsertSsoUser({
          email: profile.email,
          name: typeof profile.name === "string" ? profile.name : profile.email,
          roleClaim: profile[config.oidc.roleClaim],
          defaultRole: config.oidc.defaultRole,
          ip: null,
        });
        return user !== null;
      },
      async jwt({ token, user, account, profile, trigger, session }) {
        // The token carries the user id and the session version it was issued under; role and
        // active state are re-read on every request (app/_server/actor.ts), as is the version.
        if (account?.provider === "oidc" && typeof profile?.email === "string") {
          token.uid = (await getUserByEmail(await getDb(), profile.email))?.id;
        } else if (user?.id) token.uid = user.id;
        if (user && typeof token.uid === "string") token.sv = await currentSessionVersion(token.uid);
        // A password change re-issues the changer's own session under the new version. Anyone can
        // POST to /api/auth/session, so the new version is taken only with the server's proof.
        if (trigger === "update" && typeof token.uid === "string") {
          const proposed = (session as { sessionProof?: unknown } | undefined)?.sessionProof;
          const version = await currentSessionVersion(token.uid);
          if (version !== undefined && typeof proposed === "string" && proofMatches(proposed, sessionProof(config.authSecret, token.uid, version))) token.sv = version;
        }
        return token;
      },
      // Only ever send people to a path on this console (no open redirect), and keep it relative so a
      // console reached under several host names (localhost, 127.0.0.1, a proxy) keeps its cookies.
      redirect({ url, baseUrl }) {
        return safeRedirectPath(url, { ownOrigin: config.publicOrigin ?? baseUrl });
      },
      async session({ session, token }) {
        if (typeof token.uid === "string") session.user.id = token.uid;
        return Object.assign(session, { sessionVersion: typeof token.sv === "number" ? token.sv : undefined });
      },
    },
    events: {
      // Sign-out through any path (the console's button or the raw /api/auth/signout) ends every
      // session of that person: a copied cookie must not outlive it.
      async signOut(message) {
        const token = "token" in message ? message.token : null;
        if (typeof token?.uid !== "string" || token.sv !== (await currentSessionVersion(token.uid))) return;
        await endSessionsAtSignOut(systemContext("sign-out"), token.uid);
      },
    },
    // One line per error, no stacks: a garbage cookie is a client's mistake, not ours.
    logger: { error: (error) => console.error(authErrorLogLine(error)) },
  };
});

/** HMAC of (user, version) under the auth secret: proves a session update came from this server. */
function sessionProof(secret: string, userId: string, version: number): string {
  return createHmac("sha256", secret).update(`steward-session-version\0${userId}\0${version}`).digest("base64url");
}

function proofMatches(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Re-issues the current browser's session cookie under `version` (after this person's own
 * password change bumped it, which ended every other session). Call from a server action.
 */
export async function reissueOwnSession(userId: string, version: number): Promise<void> {
  await unstable_update({ sessionProof: sessionProof(getConfig().authSecret, userId, version) } as never);
}
