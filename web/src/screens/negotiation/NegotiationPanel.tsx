import { useEffect, useState } from "preact/hooks";
import type { ApiClient } from "../../api/client";
import type { components } from "../../api/schema";
import { type Language, money, moment } from "../../i18n";
import type { PlanTexts, Verdict } from "../../texts/plan";
import { scheduleText } from "./amounts";
import type { OfficeNames } from "./CaseworkerActions";
import { ConfirmAction, outcomeOf } from "./ConfirmAction";

type Negotiation = components["schemas"]["Negotiation"];
type Props = {
  p: PlanTexts;
  language: Language;
  client: ApiClient;
  dossierId: string;
  version: string; // changes when the dossier changed: read the negotiation again
  names: OfficeNames;
  onChanged: () => void;
};

/** Where the negotiation stands: each creditor's part and answer, then the requests to reconsider and
 * the settlement once every creditor agreed. */
export function NegotiationPanel({ p, language, client, dossierId, version, names, onChanged }: Props) {
  const [negotiation, setNegotiation] = useState<Negotiation | null>(null);
  const [chosen, setChosen] = useState<string[] | null>(null); // null: the offices that rejected

  useEffect(() => {
    let current = true;
    void (async () => {
      const { data } = await client.GET("/claims/dossiers/{dossier_id}/negotiation", {
        params: { path: { dossier_id: dossierId } },
      });
      if (current && data) setNegotiation(data);
    })();
    return () => {
      current = false;
    };
  }, [client, dossierId, version]);

  if (!negotiation) return null;
  const { tally, parts } = negotiation;
  if (parts.length === 0) {
    return (
      <section aria-labelledby="negotiation" class="neg-panel">
        <h3 id="negotiation">{p.negotiation}</h3>
        <p>{p.noProposal}</p>
      </section>
    );
  }
  const verdictOf = (office: string): Verdict =>
    tally.rejected.includes(office)
      ? "rejected"
      : tally.pending.includes(office)
        ? "pending"
        : tally.preapproved.includes(office)
          ? "preapproved"
          : "accepted";
  const answerOf = (office: string) => (negotiation.answers ?? []).find((a) => a.office_id === office);
  const objectionOf = (office: string) =>
    (negotiation.standstill ?? []).find((s) => s.office_id === office && s.status === "objected");
  const offices = chosen ?? tally.rejected;
  const waiting = [...tally.rejected, ...tally.pending];
  const open = negotiation.state === "negotiating";

  return (
    <section aria-labelledby="negotiation" class="neg-panel">
      <h3 id="negotiation">{p.negotiation}</h3>
      <div class="scroll" tabIndex={0} role="region" aria-label={p.answers}>
        <table>
          <caption class="visually-hidden">{p.answers}</caption>
          <thead>
            <tr>
              <th scope="col">{p.creditor}</th>
              <th scope="col" class="number">
                {p.perMonth}
              </th>
              <th scope="col" class="number">
                {p.offered}
              </th>
              <th scope="col">{p.answer}</th>
            </tr>
          </thead>
          <tbody>
            {parts.map((part) => {
              const answer = answerOf(part.office_id);
              const objection = objectionOf(part.office_id);
              return (
                <tr key={part.office_id}>
                  <th scope="row">{names.of(part.office_id)}</th>
                  <td class="number">{scheduleText(part.monthly, language, p.once)}</td>
                  <td class="number">{money(part.offered, language)}</td>
                  <td>
                    <span class={`verdict verdict-${verdictOf(part.office_id)}`}>
                      {p.verdicts[verdictOf(part.office_id)]}
                    </span>
                    {answer && <span class="when"> {moment(answer.answered_at, language)}</span>}
                    {answer?.reason && <span class="words">{p.said(p.reason, answer.reason)}</span>}
                    {answer?.comment && <span class="words">{p.said(p.comment, answer.comment)}</span>}
                    {objection && (
                      <span class="words error">
                        {objection.objection_reason ? p.said(p.objected, objection.objection_reason) : p.objected}
                      </span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>

      {open && (
        <div class="actions">
          {waiting.length > 0 && <p>{p.settleWaiting(names.list(waiting))}</p>}
          <ConfirmAction
            p={p}
            label={p.settle}
            title={p.settle}
            explain={p.settleExplain}
            disabled={waiting.length > 0}
            run={async (key) => {
              const { error, response } = await client.POST("/claims/dossiers/{dossier_id}/settlement", {
                params: { path: { dossier_id: dossierId }, header: { "Idempotency-Key": key } },
              });
              return outcomeOf(p, error, response.ok);
            }}
            onDone={onChanged}
          />
          {waiting.length > 0 && (
            <ReconsiderAction
              p={p}
              client={client}
              dossierId={dossierId}
              offices={parts.map((part) => part.office_id)}
              chosen={offices}
              onChoose={setChosen}
              names={names}
              onDone={() => {
                setChosen(null);
                onChanged();
              }}
            />
          )}
        </div>
      )}
    </section>
  );
}

function ReconsiderAction(props: {
  p: PlanTexts;
  client: ApiClient;
  dossierId: string;
  offices: string[];
  chosen: string[];
  onChoose: (offices: string[]) => void;
  names: OfficeNames;
  onDone: () => void;
}) {
  const { p, client, dossierId, offices, chosen, onChoose, names, onDone } = props;
  const [comment, setComment] = useState("");
  const toggle = (office: string, on: boolean) =>
    onChoose(on ? [...chosen, office] : chosen.filter((o) => o !== office));
  return (
    <ConfirmAction
      p={p}
      label={p.reconsider}
      title={p.reconsider}
      explain={p.reconsiderExplain(chosen.length > 0 ? names.list(chosen) : "—")}
      run={async (key) => {
        if (chosen.length === 0) return { problem: p.chooseOffice };
        const { error, response } = await client.POST("/claims/dossiers/{dossier_id}/reconsiderations", {
          params: { path: { dossier_id: dossierId }, header: { "Idempotency-Key": key } },
          body: { office_ids: chosen, comment: comment.trim() || null },
        });
        return outcomeOf(p, error, response.ok);
      }}
      onDone={onDone}
    >
      <fieldset class="choice">
        <legend>{p.reconsiderOffices}</legend>
        {offices.map((office) => (
          <label key={office}>
            <input
              type="checkbox"
              checked={chosen.includes(office)}
              onChange={(e) => toggle(office, e.currentTarget.checked)}
            />{" "}
            {names.of(office)}
          </label>
        ))}
      </fieldset>
      <label class="stack">
        <span>{p.reconsiderComment}</span>
        <textarea maxLength={500} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
      </label>
    </ConfirmAction>
  );
}
