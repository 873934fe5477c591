import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { isSetupNeeded } from "@/lib/users/first-admin";
import { ensureStarted } from "@/lib/startup";
import { SetupForm } from "@/components/auth/setup-form";
import { setupAdminAction } from "./actions";

export const metadata: Metadata = { title: "First-run setup" };

/** Exists only while there is no user at all; afterwards it is a 404. */
export default async function SetupPage() {
  await ensureStarted();
  if (!(await isSetupNeeded())) notFound();
  return (
    <main className="auth-page">
      <div className="card auth-card">
        <h1>Set up Steward</h1>
        <p className="muted">No one has an account yet. Create the first administrator with the one-time setup code from the server&apos;s log; this page disappears once you have.</p>
        <SetupForm setupAdmin={setupAdminAction} />
      </div>
    </main>
  );
}
