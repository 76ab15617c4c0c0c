import { useEffect, useState } from "preact/hooks";
import type { ApiClient } from "../../api/client";
import { useHeadingFocus } from "../../focus";
import { type Language, moment, type texts } from "../../i18n";
import type { OfficeTexts } from "../../texts/office";
import type { InboxMessage } from "./answers";
import { Deadlines } from "./Deadlines";
import { joinCsvPages, saveFile } from "./files";

type Props = {
  t: ReturnType<typeof texts>;
  o: OfficeTexts;
  language: Language;
  client: ApiClient;
  /** The messages fetched so far and the next page's cursor: kept by the portal, so that a message
   * opened and the way back need no second fetch (each fetch is in the dossier's access log). */
  inbox: InboxState;
  onInbox: (inbox: InboxState) => void;
  onOpen: (message: InboxMessage) => void;
};

export type InboxState = { messages: InboxMessage[]; cursor: string | null; loaded: boolean };

export const PAGE_SIZE = 25;
const CSV_PAGE_SIZE = 100; // the API's largest page
const MAX_CSV_PAGES = 50;

export async function inboxPage(client: ApiClient, cursor: string | null, limit: number = PAGE_SIZE) {
  // with the acknowledged ones: a person who acknowledged a message still finds it to answer
  const query = { limit, cursor, acknowledged: true };
  const { data, error } = await client.GET("/claims/inbox", { params: { query } });
  return error || !data ? null : data;
}

export function Inbox({ t, o, language, client, inbox, onInbox, onOpen }: Props) {
  const heading = useHeadingFocus<HTMLHeadingElement>();
  const [failed, setFailed] = useState(false);

  const load = async (after: string | null) => {
    const page = await inboxPage(client, after);
    if (!page) {
      setFailed(true);
      return;
    }
    setFailed(false);
    onInbox({
      messages: [...(after ? inbox.messages : []), ...page.messages],
      cursor: page.next_cursor ?? null,
      loaded: true,
    });
  };

  useEffect(() => {
    if (!inbox.loaded) void load(null);
  }, [client]);

  const downloadCsv = async () => {
    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const { data, error, response }: { data?: string; error?: unknown; response: Response } = await client.GET(
        "/claims/inbox.csv",
        {
          params: { query: { limit: CSV_PAGE_SIZE, cursor, acknowledged: true } },
          parseAs: "text",
        },
      );
      if (error || data === undefined) {
        setFailed(true);
        return;
      }
      pages.push(data);
      cursor = response.headers.get("Respite-Next-Cursor");
    } while (cursor && pages.length < MAX_CSV_PAGES);
    saveFile(joinCsvPages(pages), "inbox.csv", "text/csv");
  };

  return (
    <section>
      <h1 ref={heading} tabIndex={-1}>
        {o.inbox}
      </h1>
      <p>
        <button type="button" class="secondary" onClick={() => void downloadCsv()}>
          {o.downloadInbox}
        </button>
      </p>
      {failed && (
        <p role="alert" class="error">
          {t.unavailable}
        </p>
      )}
      {!inbox.loaded ? (
        <p aria-live="polite">{t.loading}</p>
      ) : inbox.messages.length === 0 ? (
        <p>{o.noMessages}</p>
      ) : (
        <ul class="dossiers" aria-label={o.inbox}>
          {inbox.messages.map((message) => (
            <li key={message.message_id}>
              <a
                href={`/office/messages/${encodeURIComponent(message.dossier_id)}/${encodeURIComponent(message.message_id)}`}
                onClick={(event) => {
                  event.preventDefault();
                  onOpen(message);
                }}
              >
                <span class="reference">
                  {t.messageTypes[message.type]}: {message.person.family_name}, {message.person.given_names}
                </span>
                <span class="visually-hidden">, {o.openMessage}</span>
              </a>
              <dl class="facts">
                <div>
                  <dt>{o.dossier}</dt>
                  <dd>{message.dossier_id}</dd>
                </div>
                <div>
                  <dt>{o.from}</dt>
                  <dd>{message.agency_name}</dd>
                </div>
                <div>
                  <dt>{o.received}</dt>
                  <dd>{moment(message.created_at, language)}</dd>
                </div>
                <Deadlines t={t} o={o} language={language} message={message} />
              </dl>
            </li>
          ))}
        </ul>
      )}
      {inbox.cursor && (
        <button type="button" onClick={() => void load(inbox.cursor)}>
          {o.more}
        </button>
      )}
    </section>
  );
}
