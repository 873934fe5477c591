"use client";

import * as Dialog from "@radix-ui/react-dialog";
import { useId, useState, type ReactNode } from "react";

/**
 * A button that asks before a consequential change, in a modal dialog (Radix Dialog: focus stays inside
 * while open, Escape or Cancel closes it, focus returns to the button). When `typeToConfirm` is given, the
 * person must type it (e.g. the email of the person being deactivated) before the confirm button enables.
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
  const id = useId();
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  const [busy, setBusy] = useState(false);
  const ready = !typeToConfirm || typed.trim() === typeToConfirm;
  return (
    <Dialog.Root
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) setTyped("");
      }}
    >
      <Dialog.Trigger asChild>
        <button type="button" className={danger ? "danger" : undefined}>
          {label}
        </button>
      </Dialog.Trigger>
      <DialogFrame
        title={title}
        body={children}
        confirm={
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
                setOpen(false);
                setTyped("");
              }
            }}
          >
            {confirmLabel}
          </button>
        }
      >
        {typeToConfirm ? (
          <div className="field">
            <label htmlFor={`${id}-confirm`}>
              Type <strong>{typeToConfirm}</strong> to confirm
            </label>
            <input id={`${id}-confirm`} value={typed} onChange={(event) => setTyped(event.target.value)} autoComplete="off" />
          </div>
        ) : null}
      </DialogFrame>
    </Dialog.Root>
  );
}

/**
 * A confirmation asked for a change already picked elsewhere (e.g. a new role in a select): shown while
 * `open`; Confirm runs `onConfirm` (which closes it by setting `open` false), while Cancel, Escape or a
 * click outside call `onCancel` so the caller puts the control back. Radix Dialog keeps focus inside while open and returns it on close.
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
  return (
    // onOpenChange fires only when the person dismisses the dialog (Escape, Cancel, a click outside), never
    // when `open` turns false because the caller confirmed: confirming is not cancelling.
    <Dialog.Root open={open} onOpenChange={(next) => (next ? undefined : onCancel())}>
      <DialogFrame
        title={title}
        body={children}
        confirm={
          <button type="button" className={danger ? "danger" : "primary"} onClick={() => void onConfirm()}>
            {confirmLabel}
          </button>
        }
      />
    </Dialog.Root>
  );
}

/** The modal both confirmations share: title, the body that describes it, what `children` adds, then Confirm and Cancel. */
function DialogFrame({ title, body, confirm, children }: { title: string; body: ReactNode; confirm: ReactNode; children?: ReactNode }) {
  const id = useId();
  return (
    <Dialog.Portal>
      <Dialog.Overlay className="dialog-overlay" />
      <Dialog.Content className="card dialog" aria-describedby={`${id}-body`}>
        <Dialog.Title>{title}</Dialog.Title>
        <div id={`${id}-body`}>{body}</div>
        {children}
        <div className="button-row">
          {confirm}
          <Dialog.Close asChild>
            <button type="button">Cancel</button>
          </Dialog.Close>
        </div>
      </Dialog.Content>
    </Dialog.Portal>
  );
}
