import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { ApiClient } from "../api/client";
import {
  type ConsentChannel,
  type Country,
  FIELD_PATHS,
  type FieldProblems,
  fieldProblems,
  IdempotencyKeys,
  type RegistrationForm,
  registrationBody,
} from "../casework";
import { useHeadingFocus } from "../focus";
import { describedBy, Field } from "../panels/Field";
import { type Language, LANGUAGES, type texts } from "../i18n";
import { caseworkTexts } from "../texts/casework";
import { ACCEPTED_FORMS, type UploadOutcome, uploadSignedForm } from "../upload";
import "../casework.css"; // the styles of every casework screen and panel (one stylesheet in the build)

type Props = {
  t: ReturnType<typeof texts>;
  language: Language;
  client: ApiClient;
  onRegistered: (dossierId: string) => void;
  onCancel: () => void;
};
type ConsentText = { version: string; language: Language; text: string } | "failed" | null;

const COUNTRIES: readonly Country[] = ["BE", "NL"];
const CHANNELS: readonly ConsentChannel[] = ["in_person", "signed_paper_form"];
const LANGUAGE_NAMES: Record<Language, string> = { nl: "Nederlands", fr: "Français", en: "English" };

/** Registers a person with their consent: the text shown in the person's language, the signed paper
 * form uploaded when that is how they consented; then the new dossier opens. */
export function Registration({ t, language, client, onRegistered, onCancel }: Props) {
  const c = caseworkTexts(language);
  const heading = useHeadingFocus<HTMLHeadingElement>();
  const [form, setForm] = useState<RegistrationForm>(() => ({
    nationalCountry: "BE",
    nationalNumber: "",
    givenNames: "",
    familyName: "",
    birthDate: "",
    addressCountry: "BE",
    street: "",
    houseNumber: "",
    postalCode: "",
    city: "",
    agencyReference: "",
    language,
    channel: "in_person",
    textVersion: "",
  }));
  const [consentText, setConsentText] = useState<ConsentText>(null);
  const [file, setFile] = useState<File | null>(null);
  const [problems, setProblems] = useState<FieldProblems>({ fields: {}, other: [] });
  const [busy, setBusy] = useState<"registering" | "uploading" | null>(null);
  const keys = useMemo(() => new IdempotencyKeys(), []);
  const submitting = useRef(false); // a double click arrives before the disabled button is painted

  // the current text, in the language the PERSON chose (not the caseworker's)
  useEffect(() => {
    let current = true;
    setConsentText(null);
    void (async () => {
      const list = await client.GET("/consent/consent-texts");
      const version = list.data?.texts.find((text) => text.current && text.language === form.language)?.version;
      const read = version
        ? await client.GET("/consent/consent-texts/{version}", {
            params: { path: { version }, query: { lang: form.language } },
          })
        : null;
      if (!current) return;
      if (read?.data) {
        setConsentText({ version: read.data.version, language: read.data.language, text: read.data.text });
        setForm((shown) => ({ ...shown, textVersion: read.data.version }));
      } else setConsentText("failed");
    })();
    return () => {
      current = false;
    };
  }, [client, form.language]);

  // after the API's complaints, the keyboard starts at the first field it named (in the form's order)
  useEffect(() => {
    const first = (Object.keys(FIELD_PATHS) as (keyof RegistrationForm)[]).find((key) => problems.fields[key]);
    if (first) document.getElementById(`reg-${first}`)?.focus();
  }, [problems]);

  const set =
    <K extends keyof RegistrationForm>(key: K) =>
    (value: RegistrationForm[K]) =>
      setForm((shown) => ({ ...shown, [key]: value }));

  const submit = async (event: Event) => {
    event.preventDefault();
    if (submitting.current) return;
    const paper = form.channel === "signed_paper_form";
    if (paper && !file) {
      setProblems({ fields: {}, other: [c.signedFormMissing] });
      return;
    }
    submitting.current = true;
    setBusy("registering");
    setProblems({ fields: {}, other: [] });
    const body = registrationBody(form);
    const { data, error } = await client.POST("/consent/dossiers", {
      body,
      // the same body, the same key: a second click or a retry after a lost answer registers once
      params: { header: { "Idempotency-Key": keys.keyFor(body) } },
    });
    if (!data) {
      submitting.current = false;
      setBusy(null);
      setProblems(error ? fieldProblems(error) : { fields: {}, other: [t.unavailable] });
      return;
    }
    if (paper && file && data.state === "awaiting_signed_form") {
      setBusy("uploading");
      const outcome = await uploadSignedForm(client, data.dossier_id, file);
      if (!outcome.added) {
        submitting.current = false;
        setBusy(null);
        setProblems({ fields: {}, other: [uploadProblem(c, outcome)] });
        return; // the form again registers the same dossier (same key), then uploads again
      }
    }
    onRegistered(data.dossier_id);
  };

  const field = (key: keyof RegistrationForm) => ({ id: `reg-${key}`, error: problems.fields[key] });
  const text = (key: keyof RegistrationForm, label: string, more: Partial<InputProps> = {}) => (
    <Field {...field(key)} label={label} hint={more.hint}>
      <input
        id={`reg-${key}`}
        type={(more.type ?? "text") as "text"} // Preact types each input type apart; both take a string value
        value={form[key]}
        required={more.required ?? true}
        autoComplete={more.autoComplete ?? "off"}
        aria-invalid={problems.fields[key] ? "true" : undefined}
        aria-describedby={describedBy(`reg-${key}`, more.hint, problems.fields[key])}
        onInput={(e) => set(key)(e.currentTarget.value as never)}
      />
    </Field>
  );
  const countrySelect = (key: "nationalCountry" | "addressCountry") => (
    <Field {...field(key)} label={key === "nationalCountry" ? c.numberCountry : c.country}>
      <select
        id={`reg-${key}`}
        value={form[key]}
        aria-describedby={describedBy(`reg-${key}`, undefined, problems.fields[key])}
        onChange={(e) => set(key)(e.currentTarget.value as Country)}
      >
        {COUNTRIES.map((country) => (
          <option key={country} value={country}>
            {c.countries[country]}
          </option>
        ))}
      </select>
    </Field>
  );

  return (
    <section class="registration">
      <a
        href="/"
        class="back"
        onClick={(event) => {
          event.preventDefault();
          onCancel();
        }}
      >
        ← {t.back}
      </a>
      <h1 ref={heading} tabIndex={-1}>
        {c.registration}
      </h1>
      <form onSubmit={(e) => void submit(e)}>
        {problems.other.length > 0 || Object.keys(problems.fields).length > 0 ? (
          <div role="alert" class="error">
            {Object.keys(problems.fields).length > 0 && <p>{c.fixFields}</p>}
            {problems.other.map((problem) => (
              <p key={problem}>{problem}</p>
            ))}
          </div>
        ) : null}
        <fieldset>
          <legend>{c.personSection}</legend>
          <div class="fields">
            {text("givenNames", c.givenNames)}
            {text("familyName", c.familyName)}
            {text("birthDate", c.birthDate, { type: "date" })}
            {countrySelect("nationalCountry")}
            {text("nationalNumber", c.nationalNumber, { hint: c.nationalNumberHint })}
          </div>
          <div class="fields">
            {text("street", c.street)}
            {text("houseNumber", c.houseNumber)}
            {text("postalCode", c.postalCode)}
            {text("city", c.city)}
            {countrySelect("addressCountry")}
          </div>
          <div class="fields">
            {text("agencyReference", `${c.agencyReference} (${c.optional})`, {
              required: false,
              hint: c.agencyReferenceHint,
            })}
          </div>
        </fieldset>

        <fieldset>
          <legend>{c.consentSection}</legend>
          <Field {...field("language")} label={c.personLanguage}>
            <select
              id="reg-language"
              value={form.language}
              onChange={(e) => set("language")(e.currentTarget.value as Language)}
            >
              {LANGUAGES.map((code) => (
                <option key={code} value={code} lang={code}>
                  {LANGUAGE_NAMES[code]}
                </option>
              ))}
            </select>
          </Field>
          <h2 id="consent-text">
            {c.consentText}
            {consentText && consentText !== "failed" && (
              <span class="muted">
                {" "}
                ({c.consentVersion} {consentText.version})
              </span>
            )}
          </h2>
          {consentText === null ? (
            <p aria-live="polite">{t.loading}</p>
          ) : consentText === "failed" ? (
            <p role="alert" class="error">
              {t.unavailable}
            </p>
          ) : (
            <div
              class="consent-text"
              lang={consentText.language}
              tabIndex={0}
              role="region"
              aria-labelledby="consent-text"
            >
              {consentText.text}
            </div>
          )}
          <label class="check">
            <input type="checkbox" required />
            <span>{c.consentAgreed}</span>
          </label>
          <div role="radiogroup" aria-labelledby="reg-channel-label" class="choices">
            <span id="reg-channel-label" class="label">
              {c.channel}
            </span>
            {CHANNELS.map((channel) => (
              <label key={channel} class="check">
                <input
                  type="radio"
                  name="channel"
                  value={channel}
                  checked={form.channel === channel}
                  onChange={() => set("channel")(channel)}
                />
                <span>{c.channels[channel]}</span>
              </label>
            ))}
          </div>
          {form.channel === "signed_paper_form" && (
            <Field id="reg-form" label={c.signedForm} hint={c.signedFormHint}>
              <input
                id="reg-form"
                type="file"
                accept={ACCEPTED_FORMS}
                required
                aria-describedby="reg-form-hint"
                onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
              />
            </Field>
          )}
        </fieldset>
        <button type="submit" disabled={busy !== null || consentText === null || consentText === "failed"}>
          {busy === "registering" ? c.registering : busy === "uploading" ? c.uploading : c.register}
        </button>
      </form>
    </section>
  );
}

type InputProps = { type: "text" | "date"; required: boolean; hint: string; autoComplete: string };

function uploadProblem(c: ReturnType<typeof caseworkTexts>, outcome: UploadOutcome): string {
  if (outcome.added) return "";
  if (outcome.reason === "type" || outcome.reason === "size") return c.signedFormHint;
  return outcome.detail ?? c.uploadFailed;
}
