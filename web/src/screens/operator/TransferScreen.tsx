import { useState } from "preact/hooks";
import type { ApiClient } from "../../api/client";
import { useHeadingFocus } from "../../focus";
import type { Language } from "../../i18n";
import { planTexts } from "../../texts/plan";
import { ConfirmAction, outcomeOf } from "../negotiation/ConfirmAction";
import "../negotiation/negotiation.css";

const REASON_MAX = 100; // TransferDossier.reason

/** The operator's one task here: moving a dossier to another agency. An operator reads no personal
 * data, so the dossier is named by its id, as the agencies give it. */
export function TransferScreen({ language, client }: { language: Language; client: ApiClient }) {
  const p = planTexts(language);
  const heading = useHeadingFocus<HTMLHeadingElement>();
  const [dossierId, setDossierId] = useState("");
  const [toAgency, setToAgency] = useState("");
  const [reason, setReason] = useState("");
  const [moved, setMoved] = useState<string | null>(null);
  const filled = dossierId.trim() && toAgency.trim() && reason.trim();
  const field = (label: string, value: string, set: (value: string) => void, maxLength: number) => (
    <label class="stack">
      <span>{label}</span>
      <input required maxLength={maxLength} value={value} onInput={(e) => set(e.currentTarget.value)} />
    </label>
  );
  return (
    <section class="transfer">
      <h1 ref={heading} tabIndex={-1}>
        {p.transfer}
      </h1>
      <p>{p.transferExplain}</p>
      {field(p.transferDossier, dossierId, setDossierId, 100)}
      {field(p.transferTo, toAgency, setToAgency, 100)}
      {field(p.transferReason, reason, setReason, REASON_MAX)}
      <div class="actions">
        <ConfirmAction
          p={p}
          label={p.transferDo}
          title={`${p.transfer}?`}
          explain={p.transferConfirm(dossierId.trim(), toAgency.trim())}
          disabled={!filled}
          run={async (key) => {
            const { error, response } = await client.POST("/consent/dossiers/{dossier_id}/transfer", {
              params: { path: { dossier_id: dossierId.trim() }, header: { "Idempotency-Key": key } },
              body: { to_agency_id: toAgency.trim(), reason: reason.trim() },
            });
            return outcomeOf(p, error, response.ok);
          }}
          onDone={() => {
            setMoved(p.transferred(dossierId.trim(), toAgency.trim()));
            setDossierId("");
            setReason("");
          }}
        />
      </div>
      <p role="status">{moved}</p>
    </section>
  );
}
