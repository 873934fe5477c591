"use client";

import * as Dialog from "@radix-ui/react-dialog";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useActionState, useEffect, useState, type ReactNode } from "react";
import { PendingBadge } from "@/components/approvals/pending-badge";
import type { NavItem } from "./nav-items";
import { ThemeToggle } from "./theme-toggle";

type ShellUser = { email: string; roleLabel: string };

/** The width at and below which the navigation is a menu behind a button (app/globals.css uses the same). */
const PHONE_QUERY = "(max-width: 760px)";

/**
 * The console frame: skip link, primary navigation (only `navItems`, the pages this person's role may
 * open) and the signed-in footer. On a phone the navigation opens as a modal sheet (Radix Dialog): it keeps
 * focus inside while open, and Escape, the Close button or following a link closes it and returns focus
 * to the Menu button.
 */
export function AppShell({ user, navItems, signOut, children }: { user: ShellUser; navItems: readonly NavItem[]; signOut: (previous: unknown, input: FormData) => Promise<unknown>; children: ReactNode }) {
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  // Widening the window past phone width hides the sheet's trigger: close the sheet so it does not hold focus.
  useEffect(() => {
    if (!open) return;
    const query = window.matchMedia(PHONE_QUERY);
    const onChange = () => !query.matches && setOpen(false);
    query.addEventListener("change", onChange);
    return () => query.removeEventListener("change", onChange);
  }, [open]);
  const [, signOutFormAction] = useActionState<unknown, FormData>(signOut, null);
  const isCurrent = (href: string) => (href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`));
  const navigation = (
    <>
      <nav aria-label="Primary">
        <ul className="nav-list">
          {navItems.map((item) => (
            <li key={item.href}>
              <Link href={item.href} aria-current={isCurrent(item.href) ? "page" : undefined} onClick={() => setOpen(false)}>
                {item.label}
                {item.href === "/approvals" ? <PendingBadge /> : null}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div className="nav-footer">
        <span>
          Signed in as <strong>{user.email}</strong>
          <br />
          {user.roleLabel}
        </span>
        <ThemeToggle />
        <Link href="/change-password" aria-current={isCurrent("/change-password") ? "page" : undefined} onClick={() => setOpen(false)}>
          Change password
        </Link>
        <form action={signOutFormAction}>
          <button type="submit">Sign out</button>
        </form>
      </div>
    </>
  );
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="shell-nav">
        <div className="shell-bar">
          <Link className="brand" href="/">
            Steward
          </Link>
          <Dialog.Root open={open} onOpenChange={setOpen}>
            <Dialog.Trigger asChild>
              <button type="button" className="menu-toggle">
                Menu
              </button>
            </Dialog.Trigger>
            <Dialog.Portal>
              <Dialog.Overlay className="sheet-overlay" />
              <Dialog.Content className="sheet" aria-describedby={undefined}>
                <div className="shell-bar">
                  <Dialog.Title className="brand">Menu</Dialog.Title>
                  <Dialog.Close asChild>
                    <button type="button">Close</button>
                  </Dialog.Close>
                </div>
                {navigation}
              </Dialog.Content>
            </Dialog.Portal>
          </Dialog.Root>
        </div>
        {/* The wide-screen navigation; hidden at phone width, where the sheet above carries it. */}
        <div className="shell-nav-body">{open ? null : navigation}</div>
      </header>
      <main id="main" className="shell-main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
