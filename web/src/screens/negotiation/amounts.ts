// What the caseworker types, read as the API's units: euros as integer cents, a percentage as basis
// points. Either decimal mark (a comma in NL and FR, a point in EN); no thousands separators, so that
// "1.250" is never read as 1,250 € by one person and 1.25 € by another.

import { type Language, money } from "../../i18n";

const EUROS = /^(\d{1,9})(?:[.,](\d{1,2}))?$/;
const PERCENT = /^(\d{1,3})(?:[.,](\d{1,2}))?$/;
const BASIS_POINTS = 10_000; // 100 %

/** "250", "250,5", "250.50" → 25000, 25050, 25050; anything else → null. */
export function cents(typed: string): number | null {
  const found = EUROS.exec(typed.trim());
  if (!found) return null;
  return Number(found[1]) * 100 + Number((found[2] ?? "").padEnd(2, "0"));
}

/** "35,5" → 3550 basis points; null outside 0.01 % – 100 %. */
export function basisPoints(typed: string): number | null {
  const found = PERCENT.exec(typed.trim());
  if (!found) return null;
  const points = Number(found[1]) * 100 + Number((found[2] ?? "").padEnd(2, "0"));
  return points >= 1 && points <= BASIS_POINTS ? points : null;
}

/** A month-by-month schedule as one figure: its amount, or its smallest and largest (a cent apart). */
export function monthlyRange(monthly: readonly number[]): [number, number] | null {
  if (monthly.length === 0) return null;
  return [Math.min(...monthly), Math.max(...monthly)];
}

/** A schedule as the caseworker reads it: "36 × €30.99 – €31.00"; `once` when there is none (a buy-out). */
export function scheduleText(monthly: readonly number[] | null | undefined, language: Language, once: string): string {
  const range = monthlyRange(monthly ?? []);
  if (!range) return once;
  const [low, high] = range.map((amount) => money(amount, language));
  return `${monthly?.length} × ${low === high ? low : `${low} – ${high}`}`;
}
