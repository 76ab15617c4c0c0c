import type { ApiClient, DossierState } from "../../api/client";
import type { PlanTexts } from "../../texts/plan";
import { ConfirmAction, outcomeOf } from "./ConfirmAction";

// which end the dossier's state allows (the API's state machine; a registered dossier nobody was told
// about is closed, not terminated)
const TERMINABLE: readonly DossierState[] = ["notified", "negotiating", "settled"];
const CLOSABLE: readonly DossierState[] = [
  "awaiting_signed_form",
  "registered",
  "notified",
  "negotiating",
  "settled",
  "terminated",
];
const WITHDRAWABLE: readonly DossierState[] = [...CLOSABLE, "closed"];
const CLOSURE_REASON_MAX = 100; // CloseDossier.reason
const TERMINATION_REASON_MAX = 500; // Terminate.reason

type Props = {
  p: PlanTexts;
  client: ApiClient;
  dossierId: string;
  state: DossierState;
  onChanged: () => void;
  onWithdrawn: () => void;
};

/** The dossier's end: termination, closure and consent withdrawal, each confirmed in a dialog that says
 * what will happen. */
export function EndPanel({ p, client, dossierId, state, onChanged, onWithdrawn }: Props) {
  if (!WITHDRAWABLE.includes(state)) return null;
  const path = { dossier_id: dossierId };
  return (
    <section aria-labelledby="end" class="neg-panel">
      <h3 id="end">{p.end}</h3>
      <div class="actions">
        {TERMINABLE.includes(state) && (
          <ConfirmAction
            p={p}
            label={p.terminate}
            title={`${p.terminate}?`}
            explain={p.terminateExplain}
            reason={{ label: p.endReason, maxLength: TERMINATION_REASON_MAX }}
            run={async (key, reason) => {
              const { error, response } = await client.POST("/claims/dossiers/{dossier_id}/termination", {
                params: { path, header: { "Idempotency-Key": key } },
                body: { reason },
              });
              return outcomeOf(p, error, response.ok);
            }}
            onDone={onChanged}
          />
        )}
        {CLOSABLE.includes(state) && (
          <ConfirmAction
            p={p}
            label={p.close}
            title={`${p.close}?`}
            explain={p.closeExplain}
            reason={{ label: p.endReason, maxLength: CLOSURE_REASON_MAX }}
            run={async (key, reason) => {
              const { error, response } = await client.POST("/consent/dossiers/{dossier_id}/closure", {
                params: { path, header: { "Idempotency-Key": key } },
                body: { reason },
              });
              return outcomeOf(p, error, response.ok);
            }}
            onDone={onChanged}
          />
        )}
        <ConfirmAction
          p={p}
          label={p.withdraw}
          title={`${p.withdraw}?`}
          explain={p.withdrawExplain}
          danger
          run={async (key) => {
            const { error, response } = await client.POST("/consent/dossiers/{dossier_id}/consent/withdrawal", {
              params: { path, header: { "Idempotency-Key": key } },
            });
            return outcomeOf(p, error, response.ok);
          }}
          onDone={onWithdrawn}
        />
      </div>
    </section>
  );
}
