import { useMemo, useState } from "preact/hooks";
import type { ApiClient, DossierView } from "../api/client";
import { storedSession } from "../auth";
import { IdempotencyKeys, listOf, matchOffices, notifiedOffices, officeName, worksCases } from "../casework";
import { useOffices } from "../directory";
import type { Language } from "../i18n";
import { caseworkTexts } from "../texts/casework";
import { Confirm } from "./Confirm";

type Props = { client: ApiClient; language: Language; dossier: DossierView; onSent: () => void };
type Kind = "notices" | "balance-requests" | "status-requests";
type Asking = { kind: Kind; officeIds: string[] };
type Outcome = { sent: string } | { failed: string } | null;

const OPEN_STATES: readonly DossierView["state"][] = ["registered", "notified", "negotiating"];

/** Notices to offices picked from the directory by name, and balance and status requests to the
 * offices notified; each asks for confirmation first, saying what will happen. */
export function OfficeMessages({ client, language, dossier, onSent }: Props) {
  const c = caseworkTexts(language);
  const offices = useOffices(client);
  const notified = useMemo(() => notifiedOffices(dossier), [dossier]);
  const [query, setQuery] = useState("");
  const [toNotify, setToNotify] = useState<string[]>([]);
  const [toAsk, setToAsk] = useState<string[]>([]);
  const [asking, setAsking] = useState<Asking | null>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const keys = useMemo(() => new IdempotencyKeys(), []);

  if (!OPEN_STATES.includes(dossier.state) || !worksCases(storedSession()?.role ?? "")) return null;
  const names = (ids: string[]) => listOf(ids.map((id) => officeName(offices, id)), language);
  const matching = offices ? matchOffices(offices, query) : [];

  const ask = (kind: Kind, officeIds: string[]) => {
    if (officeIds.length === 0) setOutcome({ failed: c.chooseOffices });
    else setAsking({ kind, officeIds });
  };
  const send = async ({ kind, officeIds }: Asking) => {
    setAsking(null);
    setBusy(true);
    const body = { office_ids: officeIds };
    const options = {
      params: { path: { dossier_id: dossier.dossier_id }, header: { "Idempotency-Key": keys.keyFor([kind, body]) } },
      body,
    };
    const { data, error } =
      kind === "notices"
        ? await client.POST("/claims/dossiers/{dossier_id}/notices", options)
        : kind === "balance-requests"
          ? await client.POST("/claims/dossiers/{dossier_id}/balance-requests", options)
          : await client.POST("/claims/dossiers/{dossier_id}/status-requests", options);
    setBusy(false);
    if (!data) {
      setOutcome({ failed: error?.detail ?? c.failed });
      return;
    }
    setOutcome({ sent: c.sentTo(names(data.messages.map((m) => m.office_id))) });
    if (kind === "notices") setToNotify([]);
    else setToAsk([]);
    onSent();
  };
  const toggle = (chosen: string[], set: (ids: string[]) => void, id: string) =>
    set(chosen.includes(id) ? chosen.filter((other) => other !== id) : [...chosen, id]);

  return (
    <section aria-labelledby="office-messages" class="panel">
      <h2 id="office-messages">{c.sendMessages}</h2>
      <div role="status" class={outcome && "failed" in outcome ? "error" : "done"}>
        {outcome && ("sent" in outcome ? outcome.sent : outcome.failed)}
      </div>

      <h3>{c.notices}</h3>
      <p class="hint">{c.noticesHint}</p>
      <label class="field" for="office-search">
        <span>{c.searchOffices}</span>
        <input id="office-search" type="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
      </label>
      <fieldset class="offices">
        <legend class="visually-hidden">{c.notices}</legend>
        {offices && matching.length === 0 && <p>{c.noOfficeMatches}</p>}
        {matching.map((office) => (
          <label key={office.office_id} class="check">
            <input
              type="checkbox"
              checked={notified.has(office.office_id) || toNotify.includes(office.office_id)}
              disabled={notified.has(office.office_id)}
              onChange={() => toggle(toNotify, setToNotify, office.office_id)}
            />
            <span>
              {office.name}
              {notified.has(office.office_id) && <span class="badge"> {c.alreadyNotified}</span>}
            </span>
          </label>
        ))}
      </fieldset>
      <button type="button" disabled={busy} onClick={() => ask("notices", toNotify)}>
        {busy ? c.sending : c.sendNotices}
      </button>

      {notified.size > 0 && (
        <>
          <h3>{c.followUps}</h3>
          <p class="hint">{c.followUpsHint}</p>
          <fieldset class="offices">
            <legend class="visually-hidden">{c.followUps}</legend>
            {[...notified]
              .sort((a, b) => officeName(offices, a).localeCompare(officeName(offices, b)))
              .map((id) => (
              <label key={id} class="check">
                <input type="checkbox" checked={toAsk.includes(id)} onChange={() => toggle(toAsk, setToAsk, id)} />
                <span>{officeName(offices, id)}</span>
              </label>
            ))}
          </fieldset>
          <div class="buttons">
            <button type="button" disabled={busy} onClick={() => ask("balance-requests", toAsk)}>
              {c.balanceRequest}
            </button>
            <button type="button" disabled={busy} onClick={() => ask("status-requests", toAsk)}>
              {c.statusRequest}
            </button>
          </div>
        </>
      )}

      {asking && (
        <Confirm
          title={
            asking.kind === "notices"
              ? c.sendNotices
              : asking.kind === "balance-requests"
                ? c.balanceRequest
                : c.statusRequest
          }
          what={(asking.kind === "notices"
            ? c.confirmNotices
            : asking.kind === "balance-requests"
              ? c.confirmBalance
              : c.confirmStatus)(names(asking.officeIds))}
          confirm={c.confirm}
          cancel={c.cancel}
          onConfirm={() => void send(asking)}
          onCancel={() => setAsking(null)}
        />
      )}
    </section>
  );
}
