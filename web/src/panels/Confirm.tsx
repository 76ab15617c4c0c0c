import { useEffect, useRef } from "preact/hooks";

type Props = { title: string; what: string; confirm: string; cancel: string; onConfirm: () => void; onCancel: () => void };

/** Asks before an action that cannot be taken back, saying what will happen. A modal <dialog>: the
 * browser keeps the focus inside it, Escape cancels, and the focus returns where it was. */
export function Confirm({ title, what, confirm, cancel, onConfirm, onCancel }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const shown = dialog.current;
    if (shown && !shown.open) shown.showModal();
    return () => shown?.close();
  }, []);
  return (
    <dialog ref={dialog} class="confirm" aria-labelledby="confirm-title" aria-describedby="confirm-what" onCancel={onCancel}>
      <h2 id="confirm-title">{title}</h2>
      <p id="confirm-what">{what}</p>
      <div class="buttons">
        <button type="button" class="secondary" onClick={onCancel}>
          {cancel}
        </button>
        <button type="button" onClick={onConfirm}>
          {confirm}
        </button>
      </div>
    </dialog>
  );
}
