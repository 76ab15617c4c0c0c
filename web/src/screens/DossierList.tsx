import { useEffect, useRef, useState } from "preact/hooks";
import { type ApiClient, DOSSIER_STATES, type DossierState, type DossierSummary } from "../api/client";
import { useHeadingFocus } from "../focus";
import { NewDossier } from "../panels/NewDossier";
import { day, type Language, moment, type texts } from "../i18n";

type Props = {
  t: ReturnType<typeof texts>;
  language: Language;
  client: ApiClient;
  onOpen: (dossierId: string) => void;
  onRegister: () => void;
};

const PAGE_SIZE = 25;
const DUE_SOON_DAYS = 7;

export function DossierList({ t, language, client, onOpen, onRegister }: Props) {
  const heading = useHeadingFocus<HTMLHeadingElement>();
  const [state, setState] = useState<DossierState | "">("");
  const [dueSoon, setDueSoon] = useState(false);
  const [dossiers, setDossiers] = useState<DossierSummary[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  // each change of filter starts a new listing; an answer to an earlier one, however late, is dropped
  const listing = useRef(0);

  const load = async (after: string | null, of: number = listing.current) => {
    const { data, error } = await client.GET("/consent/dossiers", {
      params: {
        query: {
          limit: PAGE_SIZE,
          state: state || null,
          deadline_within_days: dueSoon ? DUE_SOON_DAYS : null,
          cursor: after,
        },
      },
    });
    if (of !== listing.current) return;
    if (error || !data) {
      setFailed(true);
      return;
    }
    setFailed(false);
    setDossiers((shown) => [...(after && shown ? shown : []), ...data.dossiers]);
    setCursor(data.next_cursor ?? null);
  };

  useEffect(() => {
    listing.current += 1;
    setDossiers(null);
    void load(null, listing.current);
  }, [state, dueSoon, client]);

  return (
    <section>
      <h1 ref={heading} tabIndex={-1}>
        {t.dossiers}
      </h1>
      <NewDossier language={language} onRegister={onRegister} />
      <label class="filter">
        <span>{t.filterState}</span>
        <select value={state} onChange={(e) => setState(e.currentTarget.value as DossierState | "")}>
          <option value="">{t.allStates}</option>
          {DOSSIER_STATES.map((s) => (
            <option key={s} value={s}>
              {t.states[s]}
            </option>
          ))}
        </select>
      </label>
      <label class="filter">
        <input type="checkbox" checked={dueSoon} onChange={(e) => setDueSoon(e.currentTarget.checked)} />
        <span>{t.dueSoon}</span>
      </label>
      {failed && (
        <p role="alert" class="error">
          {t.unavailable}
        </p>
      )}
      {dossiers === null ? (
        <p aria-live="polite">{t.loading}</p>
      ) : dossiers.length === 0 ? (
        <p>{t.none}</p>
      ) : (
        <ul class="dossiers" aria-label={t.dossiers}>
          {dossiers.map((dossier) => (
            <li key={dossier.dossier_id}>
              <a
                href={`/dossiers/${encodeURIComponent(dossier.dossier_id)}`}
                onClick={(event) => {
                  event.preventDefault();
                  onOpen(dossier.dossier_id);
                }}
              >
                <span class="reference">{dossier.agency_reference ?? dossier.dossier_id}</span>
                <span class="visually-hidden">, {t.open}</span>
              </a>
              <dl class="facts">
                <div>
                  <dt>{t.state}</dt>
                  <dd>
                    <span class={`state state-${dossier.state}`}>{t.states[dossier.state]}</span>
                  </dd>
                </div>
                <div>
                  <dt>{t.opened}</dt>
                  <dd>{moment(dossier.opened_at, language)}</dd>
                </div>
                <div>
                  <dt>{t.nextDeadline}</dt>
                  <dd>
                    {dossier.next_deadline_on ? day(dossier.next_deadline_on, language) : "—"}
                    {dossier.overdue && <span class="overdue"> {t.overdue}</span>}
                  </dd>
                </div>
              </dl>
            </li>
          ))}
        </ul>
      )}
      {cursor && (
        <button type="button" onClick={() => void load(cursor)}>
          {t.more}
        </button>
      )}
    </section>
  );
}
