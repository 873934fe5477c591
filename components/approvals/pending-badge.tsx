"use client";

import { useEffect, useState } from "react";

/**
 * The navigation's live count of access requests the signed-in person can decide, from the
 * server-sent `pending` events of /api/v1/approvals/stream (EventSource reconnects by itself).
 */
export function PendingBadge() {
  const [count, setCount] = useState<number | null>(null);
  useEffect(() => {
    const source = new EventSource("/api/v1/approvals/stream");
    const onPending = (event: MessageEvent<string>) => {
      try {
        setCount((JSON.parse(event.data) as { pending: number }).pending);
      } catch {
        // a malformed event changes nothing
      }
    };
    source.addEventListener("pending", onPending);
    return () => {
      source.removeEventListener("pending", onPending);
      source.close();
    };
  }, []);
  if (!count) return null;
  // An aria-label on a plain span is not read: the link was named "Approvals1". The number is shown, the words are read.
  return (
    <>
      <span className="badge warn nav-badge" data-testid="approvals-badge" aria-hidden="true">
        {count}
      </span>
      <span className="visually-hidden">{`, ${count} pending for you`}</span>
    </>
  );
}
