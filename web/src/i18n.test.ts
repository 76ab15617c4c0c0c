import { describe, expect, it } from "vitest";
import { day, LANGUAGES, money, texts } from "./i18n";

describe("texts", () => {
  it("has every text in every language, none empty", () => {
    const keys = (language: (typeof LANGUAGES)[number]) => Object.keys(texts(language)).sort();
    for (const language of LANGUAGES) {
      expect(keys(language)).toEqual(keys("en"));
      for (const [key, value] of Object.entries(texts(language))) {
        const values = typeof value === "string" ? [value] : Object.values(value);
        for (const text of values) expect(text, `${language}.${key}`).not.toBe("");
      }
    }
  });
});

describe("formats", () => {
  it("shows cents as euros, to the cent, in each language's way", () => {
    expect(money(120_000, "en")).toBe("€1,200.00");
    expect(money(35_050, "nl").replace(/\s/g, " ")).toBe("€ 350,50");
    expect(money(5, "fr").replace(/\s/g, " ")).toBe("0,05 €");
  });

  it("shows an API date as that calendar day, whatever the time zone", () => {
    expect(day("2027-03-06", "en")).toBe("6 Mar 2027");
    expect(day("2027-03-06", "nl")).toBe("6 mrt 2027");
  });
});
