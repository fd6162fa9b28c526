/**
 * A button that asks before it acts, in a modal dialog: the browser's <dialog> traps focus and
 * closes on Escape, and the safe choice has the focus when it opens.
 */
import type { ComponentChildren } from "preact";
import { useRef } from "preact/hooks";

interface Props {
  label: string;
  title: string;
  children: ComponentChildren;
  confirmLabel: string;
  onConfirm(): void;
  danger?: boolean;
  disabled?: boolean;
  class?: string;
}

export function ConfirmButton({ label, title, children, confirmLabel, onConfirm, danger, disabled, class: className }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  return (
    <>
      <button type="button" class={className ?? (danger ? "button-danger" : undefined)} disabled={disabled} onClick={() => dialog.current?.showModal()}>
        {label}
      </button>
      <dialog ref={dialog} aria-label={title} class="confirm-dialog">
        <h2>{title}</h2>
        <div>{children}</div>
        <form method="dialog" class="button-row">
          <button type="submit" value="cancel" autofocus>
            Cancel
          </button>
          <button
            type="button"
            class={danger ? "button-danger" : "button-primary"}
            onClick={() => {
              dialog.current?.close();
              onConfirm();
            }}
          >
            {confirmLabel}
          </button>
        </form>
      </dialog>
    </>
  );
}
