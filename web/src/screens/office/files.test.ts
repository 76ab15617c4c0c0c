import { describe, expect, it } from "vitest";
import { joinCsvPages } from "./files";

describe("the inbox's CSV pages", () => {
  it("join under one header row", () => {
    const pages = ["a;b\r\n1;2\r\n", "a;b\r\n3;4\r\n", "a;b\r\n"];
    expect(joinCsvPages(pages)).toBe("a;b\r\n1;2\r\n3;4\r\n");
    expect(joinCsvPages([])).toBe("");
  });
});
