"use client";

import { SenderSnippets } from "@/components/enforcement-points/sender-snippets";
import { CopyButton } from "@/components/ui/copy-button";
import { formatUtc } from "@/components/ui/format-utc";
import { ShownOnce } from "@/components/ui/shown-once";
import type { SenderSnippet } from "@/lib/enforcement-points/sender-config";

/** A new ingest token, shown exactly once, with sender configurations the server filled in for this console. */
export function IssuedToken({ name, token, previousTokenExpiresAt, snippets }: { name: string; token: string; previousTokenExpiresAt?: string; snippets: SenderSnippet[] }) {
  return (
    <ShownOnce key={token}>
      <p>
        <strong>Token for {name}.</strong> Copy it now: Steward keeps only its hash and cannot show it again.
        {previousTokenExpiresAt ? ` The previous token keeps working until ${formatUtc(previousTokenExpiresAt)} UTC.` : ""}
      </p>
      <pre className="token-once" data-testid="issued-token">
        {token}
      </pre>
      <CopyButton text={token} label="Copy token" />
      <p className="muted">
        Send it as <code>Authorization: Bearer …</code> to <code>POST /api/v1/decisions</code>, use it as OPA&apos;s decision_logs service token, an OTLP exporter&apos;s header or ContextForge&apos;s webhook token.
      </p>
      <SenderSnippets snippets={snippets} />
    </ShownOnce>
  );
}
