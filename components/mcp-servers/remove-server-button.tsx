"use client";

import { useState, useTransition } from "react";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import type { FormAction } from "@/lib/http/action-result";

/** Removes a registered MCP server from its row (deleteMcpServerAction), after a confirmation dialog. */
export function RemoveMcpServerButton({ server, remove }: { server: { id: string; name: string }; remove: FormAction<{ id: string }, { id: string }> }) {
  const [pending, startTransition] = useTransition();
  const [message, setMessage] = useState<string | null>(null);
  return (
    <>
      <ConfirmButton
        label={pending ? "Removing…" : "Remove"}
        title={`Remove MCP server ${server.name}`}
        confirmLabel="Remove"
        danger
        onConfirm={() =>
          startTransition(async () => {
            const result = await remove(null, { id: server.id });
            setMessage(result.ok ? null : result.message);
          })
        }
      >
        <p>
          Gateways stop pulling <span className="mono">{server.name}</span> from the console. A gateway already serving it at <span className="mono">/mcp/{server.name}</span> keeps
          serving it until that gateway restarts; one that has it in its own configuration keeps it.
        </p>
      </ConfirmButton>
      <span aria-live="polite" className="error">
        {message}
      </span>
    </>
  );
}
