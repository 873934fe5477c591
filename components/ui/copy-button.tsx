"use client";

import { useId, useState } from "react";

/**
 * Copies `text` to the clipboard and says so (or says it could not, e.g. on a page served over plain
 * http, where browsers refuse the clipboard: the text stays selectable).
 */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const id = useId();
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  return (
    <span className="copy-button">
      <button
        type="button"
        aria-describedby={id}
        onClick={async () => {
          try {
            await navigator.clipboard.writeText(text);
            setState("copied");
          } catch {
            setState("failed");
          }
        }}
      >
        {label}
      </button>
      <span id={id} role="status" aria-live="polite" className="muted">
        {state === "copied" ? " Copied." : state === "failed" ? " The browser refused the clipboard: select the text and copy it." : ""}
      </span>
    </span>
  );
}
