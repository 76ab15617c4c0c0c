// The caseworker's actions without the browser: what a registration sends, which field a problem of
// the API points at, which offices match a search, and how a list of offices is said. Tested alone.
import type { components } from "./api/schema";
import type { Language } from "./i18n";

export type Office = components["schemas"]["Office"];
export type RegisterDossier = components["schemas"]["RegisterDossier"];
export type ConsentChannel = components["schemas"]["ConsentChannel"];
export type Country = components["schemas"]["Country"];
export type Problem = components["schemas"]["Problem"];
export type DossierView = components["schemas"]["DossierView"];

/** What the registration form holds: every value as typed, the paths named as the API names them. */
export type RegistrationForm = {
  nationalCountry: Country;
  nationalNumber: string;
  givenNames: string;
  familyName: string;
  birthDate: string;
  addressCountry: Country;
  street: string;
  houseNumber: string;
  postalCode: string;
  city: string;
  agencyReference: string;
  language: Language;
  channel: ConsentChannel;
  textVersion: string;
};

/** The API's field path of each input (the `name` of a problem's invalid_params entry). */
export const FIELD_PATHS: Record<keyof RegistrationForm, string> = {
  // in the form's order: the first field with a complaint takes the focus
  givenNames: "person.given_names",
  familyName: "person.family_name",
  birthDate: "person.birth_date",
  nationalCountry: "person.national_number.country",
  nationalNumber: "person.national_number.number",
  street: "person.address.street",
  houseNumber: "person.address.number",
  postalCode: "person.address.postal_code",
  city: "person.address.city",
  addressCountry: "person.address.country",
  agencyReference: "agency_reference",
  language: "consent.language",
  channel: "consent.channel",
  textVersion: "consent.text_version",
};

export function registrationBody(form: RegistrationForm): RegisterDossier {
  const reference = form.agencyReference.trim();
  return {
    person: {
      national_number: { country: form.nationalCountry, number: form.nationalNumber.trim() },
      given_names: form.givenNames.trim(),
      family_name: form.familyName.trim(),
      birth_date: form.birthDate,
      address: {
        country: form.addressCountry,
        street: form.street.trim(),
        number: form.houseNumber.trim(),
        postal_code: form.postalCode.trim(),
        city: form.city.trim(),
      },
    },
    consent: { text_version: form.textVersion, language: form.language, channel: form.channel, given_at: null },
    agency_reference: reference === "" ? null : reference,
  };
}

export type FieldProblems = { fields: Partial<Record<keyof RegistrationForm, string>>; other: string[] };

/** Checks of a whole object the API reports at the object's path: the national number's (checksum,
 * format) concern its number. The person's own checks (a birth date in the future, or not the one in
 * the national number) concern two fields: they are said above the form. */
const OBJECT_FIELDS: Record<string, keyof RegistrationForm> = { "person.national_number": "nationalNumber" };

/** A problem's invalid parameters by the input they belong to; what no input shows goes to `other`. */
export function fieldProblems(problem: Problem): FieldProblems {
  const result: FieldProblems = { fields: {}, other: [] };
  const inputs = Object.entries(FIELD_PATHS) as [keyof RegistrationForm, string][];
  for (const param of problem.invalid_params ?? []) {
    const name = param.name.replace(/^body\./, "");
    const input = inputs.find(([, path]) => path === name)?.[0] ?? OBJECT_FIELDS[name];
    if (input && result.fields[input] === undefined) result.fields[input] = param.reason;
    else if (!input) result.other.push(param.reason);
  }
  if (!problem.invalid_params?.length) result.other.push(problem.detail);
  return result;
}

/** One Idempotency-Key per request body: a second click (or a retry) of the same registration sends
 * the same key, so the API answers it once; a changed form is another request and gets a new key. */
export class IdempotencyKeys {
  private last: { body: string; key: string } | null = null;

  constructor(private readonly newKey: () => string = () => crypto.randomUUID()) {}

  keyFor(body: unknown): string {
    const text = JSON.stringify(body);
    if (this.last?.body !== text) this.last = { body: text, key: this.newKey() };
    return this.last.key;
  }
}

/** Letters without accents or case, so that "etude" finds "Étude Lambert". */
function folded(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLocaleLowerCase();
}

/** The offices whose name or id holds every word of `query`, by name. */
export function matchOffices(offices: readonly Office[], query: string): Office[] {
  const words = folded(query).split(/\s+/).filter(Boolean);
  return offices
    .filter((office) => {
      const haystack = folded(`${office.name} ${office.office_id}`);
      return words.every((word) => haystack.includes(word));
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** An office's name from the directory; its id when the directory does not know it (an agency). */
export function officeName(offices: readonly Office[] | null, officeId: string): string {
  return offices?.find((office) => office.office_id === officeId)?.name ?? officeId;
}

/** "A, B and C" in the user's language. */
export function listOf(names: readonly string[], language: Language): string {
  return new Intl.ListFormat(language, { style: "long", type: "conjunction" }).format(names);
}

/** The offices a notice of the dossier went to. */
export function notifiedOffices(dossier: Pick<DossierView, "messages">): Set<string> {
  return new Set(dossier.messages.filter((m) => m.type === "notice").map((m) => m.receiver));
}

/** Roles that work the cases: the feed, the office directory, messages to offices, the statement of
 * debts (a supervisor reads dossiers and their access log only; the API answers it 403 there). */
export function worksCases(role: string): boolean {
  return role === "caseworker" || role === "agency_admin";
}

/** Roles that may read a dossier's access log (the API answers others 403). */
export function mayReadAccessLog(role: string): boolean {
  return role === "agency_admin" || role === "supervisor";
}
