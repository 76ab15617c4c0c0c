import { describe, expect, it } from "vitest";
import {
  fieldProblems,
  IdempotencyKeys,
  listOf,
  matchOffices,
  mayReadAccessLog,
  notifiedOffices,
  type Office,
  officeName,
  type RegistrationForm,
  registrationBody,
  worksCases,
} from "./casework";
import { LANGUAGES } from "./i18n";
import { caseworkTexts } from "./texts/casework";

const FORM: RegistrationForm = {
  nationalCountry: "BE",
  nationalNumber: " 85.07.30-033.28 ",
  givenNames: "Jan",
  familyName: "Peeters ",
  birthDate: "1985-07-30",
  addressCountry: "BE",
  street: "Veldstraat",
  houseNumber: "12",
  postalCode: "9000",
  city: "Gent",
  agencyReference: "",
  language: "fr",
  channel: "signed_paper_form",
  textVersion: "v1",
};

const office = (office_id: string, name: string): Office => ({
  office_id,
  name,
  kind: "bailiff",
  country: "BE",
  registration_number: "0",
  language: "nl",
  contact_emails: ["x@example.org"],
  webhook_url: null,
  public: false,
  utility: false,
  vtlb_required: false,
  postal_address: null,
});
const OFFICES = [
  office("vanhove", "Gerechtsdeurwaarders Van Hove"),
  office("lambert", "Étude Lambert, huissiers de justice"),
  office("noord", "Waterbedrijf Noord"),
];

describe("a registration", () => {
  it("sends the person as typed, trimmed, and the consent in the person's language", () => {
    const body = registrationBody(FORM);
    expect(body.person.national_number).toEqual({ country: "BE", number: "85.07.30-033.28" });
    expect(body.person.family_name).toBe("Peeters");
    expect(body.consent).toEqual({ text_version: "v1", language: "fr", channel: "signed_paper_form", given_at: null });
    expect(body.agency_reference).toBeNull(); // an empty reference is none, not ""
    expect(registrationBody({ ...FORM, agencyReference: " GENT-1 " }).agency_reference).toBe("GENT-1");
  });

  it("puts each of the API's complaints next to its field, and the rest above the form", () => {
    const problems = fieldProblems({
      type: "https://respite.example/problems/validation",
      title: "Unprocessable",
      status: 422,
      detail: "The body does not describe a valid request.",
      invalid_params: [
        { name: "person.birth_date", reason: "in the future" },
        { name: "person.national_number", reason: "not a valid national number" },
        { name: "person", reason: "birth date does not match the date in the national number" },
      ],
    });
    expect(problems.fields).toEqual({ birthDate: "in the future", nationalNumber: "not a valid national number" });
    expect(problems.other).toEqual(["birth date does not match the date in the national number"]);
  });

  it("says a problem without fields (a 409: already registered) above the form", () => {
    const problem = { type: "about:blank", title: "Conflict", status: 409, detail: "Already registered." };
    expect(fieldProblems(problem)).toEqual({ fields: {}, other: ["Already registered."] });
  });

  it("sends the same key for the same body (a double click registers once), a new one for a new body", () => {
    let made = 0;
    const keys = new IdempotencyKeys(() => `key-${++made}`);
    expect(keys.keyFor(registrationBody(FORM))).toBe("key-1");
    expect(keys.keyFor(registrationBody(FORM))).toBe("key-1");
    expect(keys.keyFor(registrationBody({ ...FORM, city: "Brugge" }))).toBe("key-2");
  });
});

describe("offices", () => {
  it("are found by any words of their name, without accents or case, sorted by name", () => {
    expect(matchOffices(OFFICES, "etude").map((o) => o.office_id)).toEqual(["lambert"]);
    expect(matchOffices(OFFICES, "VAN hove").map((o) => o.office_id)).toEqual(["vanhove"]);
    expect(matchOffices(OFFICES, "").map((o) => o.office_id)).toEqual(["lambert", "vanhove", "noord"]);
    expect(matchOffices(OFFICES, "nobody")).toEqual([]);
  });

  it("are named from the directory; an id it does not know stays an id", () => {
    expect(officeName(OFFICES, "noord")).toBe("Waterbedrijf Noord");
    expect(officeName(OFFICES, "ocmw-gent")).toBe("ocmw-gent");
    expect(officeName(null, "noord")).toBe("noord");
  });

  it("are listed the way each language lists", () => {
    expect(listOf(["A", "B", "C"], "en")).toBe("A, B, and C");
    expect(listOf(["A", "B"], "nl")).toBe("A en B");
    expect(listOf(["A", "B"], "fr")).toBe("A et B");
  });

  it("that had a notice are the receivers of the dossier's notices", () => {
    const message = (type: string, receiver: string) => ({ type, receiver }) as never;
    const dossier = { messages: [message("notice", "vanhove"), message("status_request", "noord")] };
    expect([...notifiedOffices(dossier)]).toEqual(["vanhove"]);
  });
});

describe("roles", () => {
  it("that work cases are the caseworker and the agency's administrator, not its supervisor", () => {
    expect(worksCases("caseworker")).toBe(true);
    expect(worksCases("agency_admin")).toBe(true);
    expect(worksCases("supervisor")).toBe(false);
  });

  it("that read the access log are the agency's administrators and supervisors", () => {
    expect(mayReadAccessLog("agency_admin")).toBe(true);
    expect(mayReadAccessLog("supervisor")).toBe(true);
    expect(mayReadAccessLog("caseworker")).toBe(false);
  });
});

describe("casework texts", () => {
  it("has every text in every language, none empty", () => {
    for (const language of LANGUAGES) {
      const texts = caseworkTexts(language);
      expect(Object.keys(texts).sort()).toEqual(Object.keys(caseworkTexts("en")).sort());
      for (const [key, value] of Object.entries(texts)) {
        const values =
          typeof value === "string" ? [value] : typeof value === "function" ? [(value as (arg: unknown) => string)(2)] : Object.values(value);
        for (const text of values) expect(text, `${language}.${key}`).not.toBe("");
      }
    }
  });
});
