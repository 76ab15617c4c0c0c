// The office directory (GET /claims/offices), read once per app: every screen that names offices
// shares the one answer.
import { useEffect, useState } from "preact/hooks";
import type { ApiClient } from "./api/client";
import { storedSession } from "./auth";
import { type Office, worksCases } from "./casework";

const directories = new WeakMap<ApiClient, Promise<Office[] | null>>();

export function directory(client: ApiClient): Promise<Office[] | null> {
  let offices = directories.get(client);
  if (!offices) {
    offices = client.GET("/claims/offices").then(({ data }) => data?.offices ?? null);
    // a failed read is tried again by the next screen, not kept
    void offices.then((read) => read === null && directories.delete(client));
    directories.set(client, offices);
  }
  return offices;
}

/** The directory's offices; null while it is read (or when it cannot be). */
export function useOffices(client: ApiClient): Office[] | null {
  const [offices, setOffices] = useState<Office[] | null>(null);
  useEffect(() => {
    if (!worksCases(storedSession()?.role ?? "")) return; // a supervisor may not read it: ids then
    let current = true;
    void directory(client).then((read) => current && setOffices(read));
    return () => {
      current = false;
    };
  }, [client]);
  return offices;
}
