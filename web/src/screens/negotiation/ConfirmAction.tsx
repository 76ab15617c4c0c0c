import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { PlanTexts } from "../../texts/plan";

/** What an action's call answered: nothing when it worked, else what to tell the caseworker. */
export type Outcome = { problem: string } | null;

type Props = {
  p: PlanTexts;
  label: string; // the button, and the dialog's confirm button
  title: string;
  explain: string; // exactly what will happen
  danger?: boolean;
  disabled?: boolean;
  /** A reason the caseworker must give in the dialog (termination, closure), with its length limit. */
  reason?: { label: string; maxLength: number };
  children?: ComponentChildren; // more to fill in before confirming, shown in the dialog
  /** Runs the action; `idempotencyKey` is the same for every retry within one opening of the dialog. */
  run: (idempotencyKey: string, reason: string) => Promise<Outcome>;
  onDone: () => void;
};

let dialogs = 0;

/** A button that asks for confirmation in a modal dialog (showModal: the page behind is inert, the
 * focus stays in the dialog, Escape cancels) and runs the action only once confirmed. */
export function ConfirmAction({ p, label, title, explain, danger, disabled, reason, children, run, onDone }: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);
  const [key, setKey] = useState("");
  const [reasonText, setReasonText] = useState("");
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [titleId] = useState(() => `confirm-${++dialogs}`);

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (open && !element.open) element.showModal();
    if (!open && element.open) element.close();
  }, [open]);

  const start = () => {
    setKey(crypto.randomUUID()); // one action, one key: a retry after a lost answer does nothing twice
    setReasonText("");
    setProblem(null);
    setOpen(true);
  };
  const confirm = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      const outcome = await run(key, reasonText.trim());
      if (outcome) {
        setProblem(outcome.problem);
        setKey(crypto.randomUUID()); // it was answered: a corrected try is a new request
      } else {
        setOpen(false);
        onDone();
      }
    } catch {
      setProblem(p.failed);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <button type="button" class={danger ? "danger" : undefined} disabled={disabled} onClick={start}>
        {label}
      </button>
      <dialog
        ref={dialog}
        class="neg-dialog"
        aria-labelledby={titleId}
        onCancel={() => setOpen(false)} // Escape: nothing happens
        onClose={() => setOpen(false)}
      >
        {open && (
          <form method="dialog" onSubmit={confirm}>
            <h2 id={titleId}>{title}</h2>
            <p>{explain}</p>
            {children}
            {reason && (
              <label class="stack">
                <span>{reason.label}</span>
                <input
                  required
                  maxLength={reason.maxLength}
                  value={reasonText}
                  onInput={(e) => setReasonText(e.currentTarget.value)}
                />
              </label>
            )}
            {problem && (
              <p role="alert" class="error">
                {problem}
              </p>
            )}
            <div class="neg-buttons">
              <button type="button" class="secondary" onClick={() => setOpen(false)}>
                {p.cancel}
              </button>
              <button type="submit" class={danger ? "danger" : undefined} disabled={busy}>
                {busy ? p.working : label}
              </button>
            </div>
          </form>
        )}
      </dialog>
    </>
  );
}

/** The caseworker's words for a failed call: the API's problem (in the caller's language), else a retry hint. */
export function outcomeOf(p: PlanTexts, error: unknown, ok: boolean): Outcome {
  if (ok) return null;
  const detail = (error as { detail?: unknown } | undefined)?.detail;
  return { problem: typeof detail === "string" && detail ? detail : p.failed };
}
