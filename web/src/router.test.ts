import { describe, expect, it } from "vitest";
import { pathOf, routeOf } from "./router";

describe("the app's paths", () => {
  it("opens the list at / and at any path it does not know", () => {
    expect(routeOf("/")).toEqual({ screen: "list" });
    expect(routeOf("/nowhere")).toEqual({ screen: "list" });
    expect(routeOf("/dossiers/")).toEqual({ screen: "list" });
  });

  it("opens a dossier by its id, with or without a trailing slash", () => {
    expect(routeOf("/dossiers/01JD0SS1ER")).toEqual({ screen: "dossier", dossierId: "01JD0SS1ER" });
    expect(routeOf("/dossiers/01JD0SS1ER/")).toEqual({ screen: "dossier", dossierId: "01JD0SS1ER" });
  });

  it("opens the registration at /dossiers/new and the feed at /feed", () => {
    expect(routeOf("/dossiers/new")).toEqual({ screen: "register" });
    expect(routeOf("/feed/")).toEqual({ screen: "feed" });
  });

  it("makes the path each screen is opened by", () => {
    const routes = [
      { screen: "list" },
      { screen: "dossier", dossierId: "a b/c" },
      { screen: "inbox" },
      { screen: "message", dossierId: "d/1", messageId: "m 2" },
      { screen: "webhook" },
      { screen: "register" },
      { screen: "feed" },
    ] as const;
    for (const route of routes) {
      expect(routeOf(pathOf(route))).toEqual(route);
    }
  });

  it("opens the office portal under /office", () => {
    expect(routeOf("/office")).toEqual({ screen: "inbox" });
    expect(routeOf("/office/elsewhere")).toEqual({ screen: "inbox" });
    expect(routeOf("/office/messages/D1/M1")).toEqual({ screen: "message", dossierId: "D1", messageId: "M1" });
    expect(routeOf("/office/webhook/")).toEqual({ screen: "webhook" });
  });
});
