// The caseworker's screens: `/` (the dossier list) and `/dossiers/<id>`; the office portal's under
// `/office`. The gateway answers index.html for any path that is not an API's, so a reload or a shared
// link opens the same screen.
import { useEffect, useState } from "preact/hooks";

export type Route =
  | { screen: "list" }
  | { screen: "dossier"; dossierId: string }
  | { screen: "inbox" }
  | { screen: "message"; dossierId: string; messageId: string }
  | { screen: "webhook" }
  | { screen: "register" }
  | { screen: "feed" };

export function routeOf(pathname: string): Route {
  const message = /^\/office\/messages\/([^/]+)\/([^/]+)\/?$/.exec(pathname);
  if (message?.[1] && message[2]) {
    return { screen: "message", dossierId: decodeURIComponent(message[1]), messageId: decodeURIComponent(message[2]) };
  }
  if (/^\/office\/webhook\/?$/.test(pathname)) return { screen: "webhook" };
  if (/^\/office(\/.*)?$/.test(pathname)) return { screen: "inbox" };
  if (/^\/dossiers\/new\/?$/.test(pathname)) return { screen: "register" }; // no dossier id is "new" (ULIDs)
  if (/^\/feed\/?$/.test(pathname)) return { screen: "feed" };
  const dossier = /^\/dossiers\/([^/]+)\/?$/.exec(pathname);
  return dossier?.[1] ? { screen: "dossier", dossierId: decodeURIComponent(dossier[1]) } : { screen: "list" };
}

export function pathOf(route: Route): string {
  switch (route.screen) {
    case "dossier":
      return `/dossiers/${encodeURIComponent(route.dossierId)}`;
    case "register":
      return "/dossiers/new";
    case "feed":
      return "/feed";
    case "inbox":
      return "/office";
    case "message":
      return `/office/messages/${encodeURIComponent(route.dossierId)}/${encodeURIComponent(route.messageId)}`;
    case "webhook":
      return "/office/webhook";
    default:
      return "/";
  }
}

export function useRoute(): [Route, (route: Route) => void] {
  const [route, setRoute] = useState(() => routeOf(location.pathname));
  useEffect(() => {
    const onPop = () => setRoute(routeOf(location.pathname));
    addEventListener("popstate", onPop);
    return () => removeEventListener("popstate", onPop);
  }, []);
  const go = (next: Route) => {
    history.pushState(null, "", pathOf(next));
    setRoute(next);
  };
  return [route, go];
}
