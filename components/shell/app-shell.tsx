"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useActionState, useEffect, useRef, useState, type ReactNode } from "react";
import { PendingBadge } from "@/components/approvals/pending-badge";
import type { NavItem } from "./nav-items";
import { ThemeToggle } from "./theme-toggle";

type ShellUser = { email: string; roleLabel: string };

/**
 * The console frame: skip link, primary navigation (only `navItems`, the pages this person's role may
 * open) and the signed-in footer. On a phone the navigation is a menu that Escape closes, returning
 * focus to the Menu button.
 */
export function AppShell({ user, navItems, signOut, children }: { user: ShellUser; navItems: readonly NavItem[]; signOut: (previous: unknown, input: FormData) => Promise<unknown>; children: ReactNode }) {
  const pathname = usePathname();
  const [open, setOpen] = useState(false);
  const menuButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key !== "Escape") return;
      setOpen(false);
      menuButton.current?.focus();
    };
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, [open]);
  const [, signOutFormAction] = useActionState<unknown, FormData>(signOut, null);
  const isCurrent = (href: string) => (href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`));
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="shell-nav" data-open={open}>
        <div style={{ display: "flex", justifyContent: "space-between", alignItems: "center" }}>
          <Link className="brand" href="/">
            Steward
          </Link>
          <button ref={menuButton} type="button" className="menu-toggle" aria-expanded={open} aria-controls="primary-nav" onClick={() => setOpen((v) => !v)}>
            Menu
          </button>
        </div>
        <nav aria-label="Primary" id="primary-nav">
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
          <Link href="/change-password" aria-current={isCurrent("/change-password") ? "page" : undefined}>
            Change password
          </Link>
          <form action={signOutFormAction}>
            <button type="submit">Sign out</button>
          </form>
        </div>
      </header>
      <main id="main" className="shell-main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
