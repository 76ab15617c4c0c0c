import { describe, expect, it } from "vitest";
import { basisPoints, cents, monthlyRange } from "./amounts";

describe("amounts as typed", () => {
  it("reads euros with either decimal mark as cents, exactly", () => {
    expect(cents("250")).toBe(25_000);
    expect(cents(" 250,5 ")).toBe(25_050);
    expect(cents("250.05")).toBe(25_005);
    expect(cents("0,01")).toBe(1);
    expect(cents("19.99")).toBe(1_999); // no float on the way: 19.99 * 100 is 1998.9999…
  });

  it("refuses what is not an amount, and thousands separators", () => {
    for (const typed of ["", "abc", "-5", "1.250,00", "2,505", "1e3", "12,"]) expect(cents(typed)).toBeNull();
  });

  it("reads a percentage as basis points, between 0.01 % and 100 %", () => {
    expect(basisPoints("35,5")).toBe(3_550);
    expect(basisPoints("100")).toBe(10_000);
    expect(basisPoints("0.01")).toBe(1);
    for (const typed of ["0", "100,01", "101", "", "x"]) expect(basisPoints(typed)).toBeNull();
  });

  it("gives a schedule's smallest and largest month", () => {
    expect(monthlyRange([101, 100, 100])).toEqual([100, 101]);
    expect(monthlyRange([])).toBeNull();
  });
});
