"use client";

import { useState } from "react";
import type { SenderSnippet } from "@/lib/enforcement-points/sender-config";

/**
 * The sender configuration for each source (already filled in with the console's URL and the token
 * just issued), each with a copy button. Shown only with a freshly issued token (it is never stored).
 */
export function SenderSnippets({ snippets }: { snippets: SenderSnippet[] }) {
  const [copied, setCopied] = useState<string | null>(null);
  const copy = async (id: string, text: string) => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(id);
    } catch {
      setCopied(null);
    }
  };
  return (
    <section aria-label="Sender configuration" className="stack sender-snippets">
      <p className="muted">Point the sender at Steward: paste the block for your source (details and what is kept: docs/ingest.md).</p>
      {snippets.map((snippet, index) => (
        <details key={snippet.id} open={index === 0}>
          <summary>{snippet.title}</summary>
          <p className="muted">{snippet.where}</p>
          <pre className="mono" data-testid={`sender-snippet-${snippet.id}`}>
            {snippet.text}
          </pre>
          <button type="button" onClick={() => copy(snippet.id, snippet.text)} aria-describedby={`copied-${snippet.id}`}>
            Copy {snippet.title} config
          </button>
          <span id={`copied-${snippet.id}`} role="status" aria-live="polite" className="muted">
            {copied === snippet.id ? " Copied." : ""}
          </span>
        </details>
      ))}
    </section>
  );
}
