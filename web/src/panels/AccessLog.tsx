import { useState } from "preact/hooks";
import type { ApiClient } from "../api/client";
import type { components } from "../api/schema";
import { storedSession } from "../auth";
import { mayReadAccessLog } from "../casework";
import { type Language, moment, type texts } from "../i18n";
import { caseworkTexts } from "../texts/casework";

type AccessLogEntry = components["schemas"]["AccessLogEntry"];
type Props = { t: ReturnType<typeof texts>; language: Language; client: ApiClient; dossierId: string };
type Shown = { entries: AccessLogEntry[]; cursor: string | null } | "forbidden" | "failed" | "loading" | null;

const PAGE_SIZE = 25;

/** Who read the dossier, newest first: for the agency's administrators and supervisors only (others
 * do not see it; should the API still refuse, that is said plainly). */
export function AccessLog({ t, language, client, dossierId }: Props) {
  const c = caseworkTexts(language);
  const [shown, setShown] = useState<Shown>(null);
  if (!mayReadAccessLog(storedSession()?.role ?? "")) return null;

  const load = async (cursor: string | null) => {
    const before = shown && typeof shown === "object" ? shown.entries : [];
    if (!cursor) setShown("loading");
    const { data, response } = await client.GET("/consent/dossiers/{dossier_id}/access-log", {
      params: { path: { dossier_id: dossierId }, query: { limit: PAGE_SIZE, cursor } },
    });
    if (data) setShown({ entries: [...(cursor ? before : []), ...data.entries], cursor: data.next_cursor ?? null });
    else setShown(response.status === 403 ? "forbidden" : "failed");
  };

  return (
    <section aria-labelledby="access-log" class="panel">
      <h2 id="access-log">{c.accessLog}</h2>
      <button type="button" onClick={() => void load(null)} disabled={shown === "loading"}>
        {c.showAccessLog}
      </button>
      {shown === "loading" && <p aria-live="polite">{t.loading}</p>}
      {(shown === "forbidden" || shown === "failed") && (
        <p role="alert" class="error">
          {shown === "forbidden" ? c.accessLogForbidden : t.unavailable}
        </p>
      )}
      {shown && typeof shown === "object" && (
        <>
          <div class="scroll" tabIndex={0} role="region" aria-label={`${c.accessLog}: ${dossierId}`}>
            <table>
              <caption class="visually-hidden">{c.accessLog}</caption>
              <thead>
                <tr>
                  <th scope="col">{c.when}</th>
                  <th scope="col">{c.who}</th>
                  <th scope="col">{c.action}</th>
                  <th scope="col">{c.purpose}</th>
                </tr>
              </thead>
              <tbody>
                {shown.entries.map((entry) => (
                  <tr key={entry.entry_id}>
                    <td>{moment(entry.at, language)}</td>
                    <td>
                      {entry.actor_id} ({entry.actor_role}, {entry.actor_agency_id})
                    </td>
                    <td>{c.actions[entry.action]}</td>
                    <td>{c.purposes[entry.purpose]}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {shown.cursor && (
            <button type="button" onClick={() => void load(shown.cursor)}>
              {t.more}
            </button>
          )}
        </>
      )}
    </section>
  );
}
