"use client";

import { useEffect, useRef, type ReactNode } from "react";

/**
 * The notice around a secret Steward shows once (a token, a signing secret, a temporary password).
 * It takes focus when it appears: the control that asked for the secret was disabled while waiting,
 * which dropped focus to the page, and a keyboard or screen-reader user must land on what cannot be
 * shown again. Give it `key={secret}` where a second secret can replace the first, so it mounts (and
 * takes focus) again. Put a `CopyButton` labelled "Copy <what it is>" (token, signing secret, password) beside the
 * secret: it cannot be shown again, and selecting a long token by hand is where a character gets lost. Every caller shows it after any confirmation dialog has closed; one shown inside
 * an open modal dialog would lose focus back to the dialog's trigger when the dialog closes.
 */
export function ShownOnce({ children, className = "notice ok" }: { children: ReactNode; className?: string }) {
  const notice = useRef<HTMLDivElement>(null);
  useEffect(() => notice.current?.focus(), []);
  return (
    <div className={className} role="status" ref={notice} tabIndex={-1}>
      {children}
    </div>
  );
}
