import { describe, expect, it } from "vitest";
import { LANGUAGES } from "../i18n";
import { planTexts } from "./plan";

describe("the plan's texts", () => {
  it("has every text in every language, none empty", () => {
    const keys = (language: (typeof LANGUAGES)[number]) => Object.keys(planTexts(language)).sort();
    for (const language of LANGUAGES) {
      expect(keys(language)).toEqual(keys("en"));
      for (const [key, value] of Object.entries(planTexts(language))) {
        const values =
          typeof value === "string" ? [value] : typeof value === "function" ? [(value as (...words: string[]) => string)("X", "Y")] : Object.values(value);
        for (const text of values) expect(String(text), `${language}.${key}`).not.toBe("");
      }
    }
  });
});
