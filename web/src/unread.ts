// The feed's unread count, shared by the header's badge and the feed screen: whoever learns a new
// count (a poll, a marked item) says so, and every listener shows it.
import { useEffect, useState } from "preact/hooks";
import type { ApiClient } from "./api/client";

const UNREAD = "respite:unread";
const POLL_MS = 30_000;

export function announceUnread(count: number): void {
  dispatchEvent(new CustomEvent<number>(UNREAD, { detail: count }));
}

/** The unread count: read now, every half minute, and whenever a screen announces a new one. */
export function useUnread(client: ApiClient): number | null {
  const [unread, setUnread] = useState<number | null>(null);
  useEffect(() => {
    const heard = (event: Event) => setUnread((event as CustomEvent<number>).detail);
    const poll = async () => {
      const { data } = await client.GET("/notifications/feed", { params: { query: { limit: 1 } } });
      if (data) announceUnread(data.unread);
    };
    addEventListener(UNREAD, heard);
    void poll();
    const every = setInterval(() => void poll(), POLL_MS);
    return () => {
      removeEventListener(UNREAD, heard);
      clearInterval(every);
    };
  }, [client]);
  return unread;
}
