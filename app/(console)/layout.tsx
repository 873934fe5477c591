import type { ReactNode } from "react";
import { AppShell } from "@/components/shell/app-shell";
import { NAV_ITEMS } from "@/components/shell/nav-items";
import { headers } from "next/headers";
import { resolveActor } from "@/app/_server/actor";
import { can, ROLE_LABELS } from "@/lib/auth/permissions";
import { Providers } from "./providers";
import { signOutAction } from "./sign-out-action";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  // The menu lists only the pages this role may open (each names its page's permission).
  // Each page guards itself (and knows its own path for the sign-in redirect); the shell only
  // renders around a signed-in person.
  const actor = await resolveActor(await headers());
  if (actor?.type !== "user") return <>{children}</>;
  return (
    <Providers>
      <AppShell user={{ email: actor.email, roleLabel: ROLE_LABELS[actor.role] }} navItems={NAV_ITEMS.filter((item) => can(actor.role, item.permission))} signOut={signOutAction}>
        {children}
      </AppShell>
    </Providers>
  );
}
