"use client";

import { useEffect, useId, useRef, useState, type ReactNode } from "react";

/**
 * A button that asks before a consequential change. When `typeToConfirm` is given, the person must
 * type it (e.g. the email of the person being deactivated) before the confirm button enables.
 */
export function ConfirmButton({
  label,
  title,
  children,
  confirmLabel,
  typeToConfirm,
  danger,
  onConfirm,
}: {
  label: string;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  typeToConfirm?: string;
  danger?: boolean;
  onConfirm: () => void | Promise<void>;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const id = useId();
  const [typed, setTyped] = useState("");
  const [busy, setBusy] = useState(false);
  const ready = !typeToConfirm || typed.trim() === typeToConfirm;
  return (
    <>
      <button type="button" className={danger ? "danger" : undefined} onClick={() => dialog.current?.showModal()}>
        {label}
      </button>
      <dialog ref={dialog} aria-labelledby={`${id}-title`} onClose={() => setTyped("")} className="card">
        <h2 id={`${id}-title`}>{title}</h2>
        <div>{children}</div>
        {typeToConfirm ? (
          <div className="field">
            <label htmlFor={`${id}-confirm`}>
              Type <strong>{typeToConfirm}</strong> to confirm
            </label>
            <input id={`${id}-confirm`} value={typed} onChange={(event) => setTyped(event.target.value)} autoComplete="off" />
          </div>
        ) : null}
        <div style={{ display: "flex", gap: "0.5rem", marginTop: "1rem" }}>
          <button
            type="button"
            className={danger ? "danger" : "primary"}
            disabled={!ready || busy}
            onClick={async () => {
              setBusy(true);
              try {
                await onConfirm();
              } finally {
                setBusy(false);
                dialog.current?.close();
              }
            }}
          >
            {confirmLabel}
          </button>
          <button type="button" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
        </div>
      </dialog>
    </>
  );
}

/**
 * A confirmation asked for a change already picked elsewhere (e.g. a new role in a select): shown
 * while `open`; Confirm runs `onConfirm`, Cancel, Escape or closing calls `onCancel` so the caller
 * puts the control back. The native modal <dialog> keeps focus inside and returns it on close.
 */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  danger,
  onConfirm,
  onCancel,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  onConfirm: () => void | Promise<void>;
  onCancel: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const confirmed = useRef(false);
  const id = useId();
  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) {
      confirmed.current = false;
      element.showModal();
    } else if (!open && element.open) element.close();
  }, [open]);
  return (
    <dialog
      ref={dialog}
      aria-labelledby={`${id}-title`}
      className="card"
      onClose={() => {
        if (!confirmed.current) onCancel();
      }}
    >
      <h2 id={`${id}-title`}>{title}</h2>
      <div>{children}</div>
      <div style={{ display: "flex", gap: "0.5rem", marginTop: "1rem" }}>
        <button
          type="button"
          className={danger ? "danger" : "primary"}
          onClick={async () => {
            confirmed.current = true;
            dialog.current?.close();
            await onConfirm();
          }}
        >
          {confirmLabel}
        </button>
        <button type="button" onClick={() => dialog.current?.close()}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}
