import type { ApiClient } from "../api/client";
import { storedSession } from "../auth";
import { worksCases } from "../casework";
import type { Language } from "../i18n";
import { caseworkTexts } from "../texts/casework";
import { useUnread } from "../unread";

/** The header's way to the feed, with the number of unread items (for the roles that have a feed). */
export function FeedLink(props: Props) {
  return worksCases(storedSession()?.role ?? "") ? <Link {...props} /> : null;
}

type Props = { client: ApiClient; language: Language; onOpen: () => void };

function Link({ client, language, onOpen }: Props) {
  const c = caseworkTexts(language);
  const unread = useUnread(client);
  return (
    <a
      href="/feed"
      class="feed-link"
      onClick={(event) => {
        event.preventDefault();
        onOpen();
      }}
    >
      {c.feed}
      {unread !== null && unread > 0 && (
        <span class="count" aria-hidden="true">
          {unread}
        </span>
      )}
      {unread !== null && <span class="visually-hidden"> ({c.unreadCount(unread)})</span>}
    </a>
  );
}
