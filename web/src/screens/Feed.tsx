import { useEffect, useRef, useState } from "preact/hooks";
import type { ApiClient } from "../api/client";
import type { components } from "../api/schema";
import { officeName } from "../casework";
import { useOffices } from "../directory";
import { useHeadingFocus } from "../focus";
import { day, type Language, moment, type texts } from "../i18n";
import { caseworkTexts } from "../texts/casework";
import { announceUnread } from "../unread";

type FeedItem = components["schemas"]["FeedItem"];
type Props = {
  t: ReturnType<typeof texts>;
  language: Language;
  client: ApiClient;
  onOpen: (dossierId: string) => void;
};

const PAGE_SIZE = 25;

/** What happened in the agency's dossiers, newest first; each item links to its dossier and can be
 * marked read (the header's count follows). */
export function Feed({ t, language, client, onOpen }: Props) {
  const c = caseworkTexts(language);
  const heading = useHeadingFocus<HTMLHeadingElement>();
  const offices = useOffices(client);
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [items, setItems] = useState<FeedItem[] | null>(null);
  const [unread, setUnread] = useState<number | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  const listing = useRef(0); // an answer to an earlier filter is dropped

  const load = async (after: string | null, of: number = listing.current) => {
    const { data } = await client.GET("/notifications/feed", {
      params: { query: { limit: PAGE_SIZE, cursor: after, unread_only: unreadOnly } },
    });
    if (of !== listing.current) return;
    setFailed(!data);
    if (!data) return;
    setItems((shown) => [...(after && shown ? shown : []), ...data.items]);
    setCursor(data.next_cursor ?? null);
    setUnread(data.unread);
    announceUnread(data.unread);
  };
  useEffect(() => {
    listing.current += 1;
    setItems(null);
    void load(null, listing.current);
  }, [client, unreadOnly]);

  const markRead = async (item: FeedItem) => {
    const { data } = await client.POST("/notifications/feed/{item_id}/read", {
      params: { path: { item_id: item.item_id } }, // openapi-fetch encodes the id's ':'
    });
    if (!data) {
      setFailed(true);
      return;
    }
    setItems((shown) => shown?.map((other) => (other.item_id === item.item_id ? { ...other, read: true } : other)) ?? null);
    setUnread(data.unread);
    announceUnread(data.unread);
  };

  return (
    <section>
      <h1 ref={heading} tabIndex={-1}>
        {c.feed}
      </h1>
      {unread !== null && (
        <p class="subtitle" aria-live="polite">
          {c.unreadCount(unread)}
        </p>
      )}
      <label class="filter">
        <input type="checkbox" checked={unreadOnly} onChange={(e) => setUnreadOnly(e.currentTarget.checked)} />
        <span>{c.unreadOnly}</span>
      </label>
      {failed && (
        <p role="alert" class="error">
          {t.unavailable}
        </p>
      )}
      {items === null ? (
        <p aria-live="polite">{t.loading}</p>
      ) : items.length === 0 ? (
        <p>{c.feedEmpty}</p>
      ) : (
        <ul class="feed" aria-label={c.feed}>
          {items.map((item) => (
            <li key={item.item_id} class={item.read ? "read" : "unread"}>
              <h2>
                {c.feedKinds[item.kind]}
                <span class="visually-hidden"> ({item.read ? c.read : c.unread})</span>
              </h2>
              <dl class="facts">
                <div>
                  <dt>{c.when}</dt>
                  <dd>{moment(item.happened_at, language)}</dd>
                </div>
                <div>
                  <dt>{c.dossier}</dt>
                  <dd>{item.dossier_id}</dd>
                </div>
                {item.office_id && (
                  <div>
                    <dt>{t.from}</dt>
                    <dd>{officeName(offices, item.office_id)}</dd>
                  </div>
                )}
                {item.message_type && (
                  <div>
                    <dt>{c.message}</dt>
                    <dd>{t.messageTypes[item.message_type]}</dd>
                  </div>
                )}
                {item.due_on && (
                  <div>
                    <dt>{t.replyDue}</dt>
                    <dd>{day(item.due_on, language)}</dd>
                  </div>
                )}
              </dl>
              <div class="buttons">
                <a
                  href={`/dossiers/${encodeURIComponent(item.dossier_id)}`}
                  onClick={(event) => {
                    event.preventDefault();
                    onOpen(item.dossier_id);
                  }}
                >
                  {c.openDossier}
                  <span class="visually-hidden"> {item.dossier_id}</span>
                </a>
                {!item.read && (
                  <button type="button" class="secondary" onClick={() => void markRead(item)}>
                    {c.markRead}
                    <span class="visually-hidden">: {c.feedKinds[item.kind]}, {moment(item.happened_at, language)}</span>
                  </button>
                )}
              </div>
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
