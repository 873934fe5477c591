import type { ReactNode } from "react";
import { AppShell } from "@/components/shell/app-shell";
import { requirePageActor } from "@/app/_server/page-guard";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import { Providers } from "./providers";
import { signOutAction } from "./sign-out-action";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const { actor } = await requirePageActor("console.read", "/");
  return (
    <Providers>
      <AppShell user={{ email: actor.email, roleLabel: ROLE_LABELS[actor.role] }} signOut={signOutAction}>
        {children}
      </AppShell>
    </Providers>
  );
}
