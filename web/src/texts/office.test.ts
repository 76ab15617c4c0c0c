import { describe, expect, it } from "vitest";
import { LANGUAGES } from "../i18n";
import { officeTexts } from "./office";

describe("the office portal's texts", () => {
  it("has every text in every language, none empty", () => {
    const keys = (language: (typeof LANGUAGES)[number]) => Object.keys(officeTexts(language)).sort();
    for (const language of LANGUAGES) {
      expect(keys(language)).toEqual(keys("en"));
      for (const [key, value] of Object.entries(officeTexts(language))) {
        const values = typeof value === "string" ? [value] : Object.values(value);
        for (const text of values) expect(text, `${language}.${key}`).not.toBe("");
      }
    }
  });
});
