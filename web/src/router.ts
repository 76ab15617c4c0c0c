// Two screens, two paths: `/` (the dossier list) and `/dossiers/<id>`. The gateway answers index.html
// for any path that is not an API's, so a reload or a shared link opens the same screen.
import { useEffect, useState } from "preact/hooks";

export type Route =
  | { screen: "list" }
  | { screen: "dossier"; dossierId: string }
  | { screen: "register" }
  | { screen: "feed" };

export function routeOf(pathname: string): Route {
  if (/^\/dossiers\/new\/?$/.test(pathname)) return { screen: "register" }; // no dossier id is "new" (ULIDs)
  if (/^\/feed\/?$/.test(pathname)) return { screen: "feed" };
  const dossier = /^\/dossiers\/([^/]+)\/?$/.exec(pathname);
  return dossier?.[1] ? { screen: "dossier", dossierId: decodeURIComponent(dossier[1]) } : { screen: "list" };
}

export function pathOf(route: Route): string {
  if (route.screen === "register") return "/dossiers/new";
  if (route.screen === "feed") return "/feed";
  return route.screen === "dossier" ? `/dossiers/${encodeURIComponent(route.dossierId)}` : "/";
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
