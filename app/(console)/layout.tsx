import type { ReactNode } from "react";
import { AppShell } from "@/components/shell/app-shell";
import { headers } from "next/headers";
import { resolveActor } from "@/app/_server/actor";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import { Providers } from "./providers";
import { signOutAction } from "./sign-out-action";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  // Each page guards itself (and knows its own path for the sign-in redirect); the shell only
  // renders around a signed-in person.
  const actor = await resolveActor(await headers());
  if (actor?.type !== "user") return <>{children}</>;
  return (
    <Providers>
      <AppShell user={{ email: actor.email, roleLabel: ROLE_LABELS[actor.role] }} signOut={signOutAction}>
        {children}
      </AppShell>
    </Providers>
  );
}
