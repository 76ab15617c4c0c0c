// The office portal: a person at an office (Cognito group `office-<id>`) reads the inbox, answers and
// acknowledges requests, and manages the office's webhook. Calls go with their access token.
import { useEffect, useState } from "preact/hooks";
import type { ApiClient } from "../../api/client";
import type { Language, texts } from "../../i18n";
import { pathOf, type Route } from "../../router";
import { officeTexts } from "../../texts/office";
import type { InboxMessage } from "./answers";
import { Inbox, type InboxState, inboxPage } from "./Inbox";
import { MessageScreen } from "./MessageScreen";
import { WebhookScreen } from "./WebhookScreen";

type Props = {
  t: ReturnType<typeof texts>;
  language: Language;
  client: ApiClient;
  route: Route;
  go: (route: Route) => void;
};

// a reloaded message's link: look this far into the inbox for it (the API's largest pages)
const MAX_PAGES_TO_FIND = 10;
const SEARCH_PAGE_SIZE = 100;

export function OfficePortal({ t, language, client, route, go }: Props) {
  const o = officeTexts(language);
  const [inbox, setInbox] = useState<InboxState>({ messages: [], cursor: null, loaded: false });
  const [said, setSaid] = useState<string | null>(null);
  const [searched, setSearched] = useState(false);
  const screen = route.screen === "message" || route.screen === "webhook" ? route.screen : "inbox";

  // a caseworker's path (`/`, `/dossiers/...`) shows the inbox: say so in the address bar, without a
  // history entry that the back button would only come back through
  useEffect(() => {
    if (screen === "inbox" && route.screen !== "inbox") history.replaceState(null, "", pathOf({ screen: "inbox" }));
  }, [screen, route.screen]);

  const opened =
    route.screen === "message"
      ? inbox.messages.find((m) => m.dossier_id === route.dossierId && m.message_id === route.messageId)
      : undefined;

  // opened by its link (a reload): page through the inbox until the message is found
  useEffect(() => {
    if (route.screen !== "message" || opened || searched) return;
    void (async () => {
      let messages: InboxMessage[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < MAX_PAGES_TO_FIND; page++) {
        const found = await inboxPage(client, cursor, SEARCH_PAGE_SIZE);
        if (!found) break;
        messages = [...messages, ...found.messages];
        cursor = found.next_cursor ?? null;
        if (!cursor || messages.some((m) => m.message_id === route.messageId)) break;
      }
      setInbox({ messages, cursor, loaded: true });
      setSearched(true);
    })();
  }, [route, opened, searched]);

  const acknowledged = (message: InboxMessage) => (at: string) => {
    const marked = { ...message, acknowledged_at: at, ack_overdue: false };
    setInbox({ ...inbox, messages: inbox.messages.map((m) => (m.message_id === message.message_id ? marked : m)) });
    setSaid(o.acknowledged);
    go({ screen: "inbox" });
  };

  const done = (message: InboxMessage) => (what: string) => {
    setInbox({ ...inbox, messages: inbox.messages.filter((m) => m.message_id !== message.message_id) });
    setSaid(what);
    go({ screen: "inbox" });
  };

  return (
    <>
      <nav class="portal-nav" aria-label={o.portal}>
        {(
          [
            ["inbox", o.inbox, "/office"],
            ["webhook", o.webhook, "/office/webhook"],
          ] as const
        ).map(([name, label, href]) => (
          <a
            key={name}
            href={href}
            aria-current={screen === name ? "page" : undefined}
            onClick={(event) => {
              event.preventDefault();
              setSaid(null);
              go({ screen: name });
            }}
          >
            {label}
          </a>
        ))}
      </nav>
      {said && screen === "inbox" && (
        <p role="status" class="said">
          {said}
        </p>
      )}
      {screen === "webhook" ? (
        <WebhookScreen t={t} o={o} language={language} client={client} />
      ) : screen === "message" && route.screen === "message" ? (
        opened ? (
          <MessageScreen
            key={opened.message_id}
            t={t}
            o={o}
            language={language}
            client={client}
            message={opened}
            onBack={() => go({ screen: "inbox" })}
            onDone={done(opened)}
            onAcknowledged={acknowledged(opened)}
          />
        ) : searched ? (
          <p role="alert">{o.notInInbox}</p>
        ) : (
          <p aria-live="polite">{t.loading}</p>
        )
      ) : (
        <Inbox
          t={t}
          o={o}
          language={language}
          client={client}
          inbox={inbox}
          onInbox={setInbox}
          onOpen={(message) => {
            setSaid(null);
            go({ screen: "message", dossierId: message.dossier_id, messageId: message.message_id });
          }}
        />
      )}
    </>
  );
}
