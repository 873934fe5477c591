import NextAuth, { CredentialsSignin, type NextAuthConfig } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { getDb } from "@/db/client";
import { getUserByEmail } from "@/db/users";
import { getConfig } from "@/lib/config";
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
export const { handlers, auth, signIn, signOut } = NextAuth((): NextAuthConfig => {
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
      async jwt({ token, user, account, profile }) {
        // The token carries only the user id; role and active state are re-read on every request.
        if (account?.provider === "oidc" && typeof profile?.email === "string") {
          token.uid = (await getUserByEmail(await getDb(), profile.email))?.id;
        } else if (user?.id) token.uid = user.id;
        return token;
      },
      // Only ever send people to a path on this console (no open redirect), and keep it relative so a
      // console reached under several host names (localhost, 127.0.0.1, a proxy) keeps its cookies.
      redirect({ url, baseUrl }) {
        const target = new URL(url, baseUrl);
        return target.origin === new URL(baseUrl).origin || url.startsWith("/") ? `${target.pathname}${target.search}` : "/";
      },
      async session({ session, token }) {
        if (typeof token.uid === "string") session.user.id = token.uid;
        return session;
      },
    },
  };
});
