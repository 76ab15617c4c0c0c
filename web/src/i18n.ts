// NL, FR and EN. Every dictionary has every key (the compiler checks it), and the labels of the API's
// enums are records over the generated types: a state or message type the API adds fails the build
// until it has a label in each language.
import type { CreditorClass, DossierState, MessageType, NoCooperationReason } from "./api/client";

export type Language = "nl" | "fr" | "en";
export const LANGUAGES: readonly Language[] = ["nl", "fr", "en"];
const LANGUAGE_KEY = "respite.language";
const LOCALES: Record<Language, string> = { nl: "nl-BE", fr: "fr-BE", en: "en-GB" };

type Texts = {
  app: string;
  language: string;
  skip: string;
  signIn: string;
  signOut: string;
  signedInAs: string;
  email: string;
  password: string;
  wrongPassword: string;
  unavailable: string;
  loading: string;
  dossiers: string;
  filterState: string;
  allStates: string;
  dueSoon: string;
  more: string;
  none: string;
  reference: string;
  opened: string;
  state: string;
  nextDeadline: string;
  overdue: string;
  open: string;
  back: string;
  person: string;
  name: string;
  birthDate: string;
  nationalNumber: string;
  address: string;
  consent: string;
  consentGiven: string;
  standstill: string;
  requested: string;
  standstillEnds: string;
  standstillPerCreditor: string;
  creditor: string;
  standstillStatus: Record<"running" | "objected" | "ended", string>;
  objection: string;
  until: string;
  download: (name: string) => string;
  downloadFailed: string;
  totals: string;
  byClass: string;
  creditors: string;
  claims: string;
  claim: string;
  principal: string;
  interest: string;
  costs: string;
  paid: string;
  outstanding: string;
  continuesDuringStandstill: string;
  yes: string;
  no: string;
  pendingReplies: string;
  replyDue: string;
  messages: string;
  mails: string;
  from: string;
  to: string;
  sent: string;
  answered: string;
  claimsReceived: string;
  offered: string;
  monthly: string;
  reason: string;
  comment: string;
  fileReferences: string;
  attachments: string;
  notFound: string;
  states: Record<DossierState, string>;
  messageTypes: Record<MessageType, string>;
  classes: Record<CreditorClass, string>;
  noCooperation: Record<NoCooperationReason, string>;
};

const en: Texts = {
  app: "Respite",
  language: "Language",
  skip: "Skip to content",
  signIn: "Sign in",
  signOut: "Sign out",
  signedInAs: "Signed in as",
  email: "Email address",
  password: "Password",
  wrongPassword: "Wrong email address or password.",
  unavailable: "Respite cannot be reached. Try again in a moment.",
  loading: "Loading…",
  dossiers: "Dossiers",
  filterState: "Show",
  allStates: "every state",
  dueSoon: "Only with a deadline within 7 days",
  more: "Show more",
  none: "No dossiers.",
  reference: "Reference",
  opened: "Opened",
  state: "State",
  nextDeadline: "Next deadline",
  overdue: "overdue",
  open: "Open dossier",
  back: "All dossiers",
  person: "Person",
  name: "Name",
  birthDate: "Date of birth",
  nationalNumber: "National number",
  address: "Address",
  consent: "Consent",
  consentGiven: "Given",
  standstill: "Standstill",
  requested: "requested",
  standstillEnds: "Standstill ends",
  standstillPerCreditor: "Standstill per creditor",
  creditor: "Creditor",
  standstillStatus: { running: "running", objected: "objected", ended: "ended" },
  objection: "Objection",
  until: "Until",
  download: (name) => `Download ${name}`,
  downloadFailed: "The document could not be fetched. Try again.",
  totals: "Totals",
  byClass: "By class",
  creditors: "Creditors",
  claims: "Claims",
  claim: "Claim",
  principal: "Principal",
  interest: "Interest",
  costs: "Costs",
  paid: "Paid",
  outstanding: "Outstanding",
  continuesDuringStandstill: "Continues during the standstill",
  yes: "yes",
  no: "no",
  pendingReplies: "Replies awaited",
  replyDue: "Reply due",
  messages: "Messages",
  mails: "Answers by email",
  from: "From",
  to: "To",
  sent: "Sent",
  answered: "Answered",
  claimsReceived: "Claims received",
  offered: "Offered",
  monthly: "Monthly instalments",
  reason: "Reason",
  comment: "Comment",
  fileReferences: "File references",
  attachments: "Attachments",
  notFound: "This dossier does not exist or is no longer yours.",
  states: {
    awaiting_signed_form: "awaiting the signed form",
    registered: "registered",
    notified: "notified",
    negotiating: "negotiating",
    settled: "settled",
    terminated: "terminated",
    closed: "closed",
    withdrawn: "consent withdrawn",
    erased: "erased",
  },
  messageTypes: {
    notice: "Notice",
    balance_request: "Balance request",
    proposal: "Proposal",
    reconsideration: "Reconsideration",
    settlement_agreed: "Settlement agreed",
    termination: "Termination",
    status_request: "Status request",
    notice_ack: "Notice acknowledged",
    no_cooperation: "No cooperation",
    objection: "Objection",
    not_in_need: "Not in need",
    balance_reply: "Balance reply",
    balance_reply_preapproved: "Balance reply (pre-approved)",
    proposal_accept: "Proposal accepted",
    proposal_reject: "Proposal rejected",
    status_report: "Status report",
  },
  classes: { preferential: "preferential", ordinary: "ordinary" },
  noCooperation: {
    unknown_person: "the person is not known to this office",
    recent_discharge: "a recent discharge of debts",
    recent_attempt: "a recent attempt at a settlement",
    refuses_agency: "the office does not work with this agency",
  },
};

const nl: Texts = {
  app: "Respite",
  language: "Taal",
  skip: "Naar de inhoud",
  signIn: "Aanmelden",
  signOut: "Afmelden",
  signedInAs: "Aangemeld als",
  email: "E-mailadres",
  password: "Wachtwoord",
  wrongPassword: "Verkeerd e-mailadres of wachtwoord.",
  unavailable: "Respite is niet bereikbaar. Probeer het zo opnieuw.",
  loading: "Laden…",
  dossiers: "Dossiers",
  filterState: "Toon",
  allStates: "elke status",
  dueSoon: "Enkel met een termijn binnen 7 dagen",
  more: "Meer tonen",
  none: "Geen dossiers.",
  reference: "Referentie",
  opened: "Geopend",
  state: "Status",
  nextDeadline: "Volgende termijn",
  overdue: "verlopen",
  open: "Dossier openen",
  back: "Alle dossiers",
  person: "Persoon",
  name: "Naam",
  birthDate: "Geboortedatum",
  nationalNumber: "Rijksregisternummer",
  address: "Adres",
  consent: "Toestemming",
  consentGiven: "Gegeven",
  standstill: "Adempauze",
  requested: "gevraagd",
  standstillEnds: "Adempauze loopt tot",
  standstillPerCreditor: "Adempauze per schuldeiser",
  creditor: "Schuldeiser",
  standstillStatus: { running: "loopt", objected: "bezwaar", ended: "afgelopen" },
  objection: "Bezwaar",
  until: "Tot",
  download: (name) => `${name} downloaden`,
  downloadFailed: "Het document kon niet worden opgehaald. Probeer opnieuw.",
  totals: "Totalen",
  byClass: "Per klasse",
  creditors: "Schuldeisers",
  claims: "Vorderingen",
  claim: "Vordering",
  principal: "Hoofdsom",
  interest: "Interesten",
  costs: "Kosten",
  paid: "Betaald",
  outstanding: "Openstaand",
  continuesDuringStandstill: "Loopt door tijdens de adempauze",
  yes: "ja",
  no: "nee",
  pendingReplies: "Verwachte antwoorden",
  replyDue: "Antwoord tegen",
  messages: "Berichten",
  mails: "Antwoorden per e-mail",
  from: "Van",
  to: "Aan",
  sent: "Verstuurd",
  answered: "Beantwoord",
  claimsReceived: "Ontvangen vorderingen",
  offered: "Aangeboden",
  monthly: "Maandelijkse afbetalingen",
  reason: "Reden",
  comment: "Opmerking",
  fileReferences: "Dossiernummers",
  attachments: "Bijlagen",
  notFound: "Dit dossier bestaat niet of is niet meer het uwe.",
  states: {
    awaiting_signed_form: "wacht op ondertekend formulier",
    registered: "geregistreerd",
    notified: "aangemeld bij schuldeisers",
    negotiating: "in onderhandeling",
    settled: "akkoord",
    terminated: "beëindigd",
    closed: "afgesloten",
    withdrawn: "toestemming ingetrokken",
    erased: "gewist",
  },
  messageTypes: {
    notice: "Aanmelding",
    balance_request: "Saldo-opvraging",
    proposal: "Voorstel",
    reconsideration: "Heroverweging",
    settlement_agreed: "Akkoord bereikt",
    termination: "Beëindiging",
    status_request: "Statusvraag",
    notice_ack: "Aanmelding bevestigd",
    no_cooperation: "Geen medewerking",
    objection: "Bezwaar",
    not_in_need: "Geen schulden",
    balance_reply: "Saldo-opgave",
    balance_reply_preapproved: "Saldo-opgave (vooraf akkoord)",
    proposal_accept: "Voorstel aanvaard",
    proposal_reject: "Voorstel geweigerd",
    status_report: "Statusrapport",
  },
  classes: { preferential: "bevoorrecht", ordinary: "gewoon" },
  noCooperation: {
    unknown_person: "de persoon is bij dit kantoor niet bekend",
    recent_discharge: "een recente kwijtschelding van schulden",
    recent_attempt: "een recente poging tot regeling",
    refuses_agency: "het kantoor werkt niet met deze dienst",
  },
};

const fr: Texts = {
  app: "Respite",
  language: "Langue",
  skip: "Aller au contenu",
  signIn: "Se connecter",
  signOut: "Se déconnecter",
  signedInAs: "Connecté·e en tant que",
  email: "Adresse e-mail",
  password: "Mot de passe",
  wrongPassword: "Adresse e-mail ou mot de passe incorrect.",
  unavailable: "Respite est injoignable. Réessayez dans un instant.",
  loading: "Chargement…",
  dossiers: "Dossiers",
  filterState: "Afficher",
  allStates: "tous les états",
  dueSoon: "Seulement avec une échéance dans les 7 jours",
  more: "Afficher plus",
  none: "Aucun dossier.",
  reference: "Référence",
  opened: "Ouvert le",
  state: "État",
  nextDeadline: "Prochaine échéance",
  overdue: "en retard",
  open: "Ouvrir le dossier",
  back: "Tous les dossiers",
  person: "Personne",
  name: "Nom",
  birthDate: "Date de naissance",
  nationalNumber: "Numéro national",
  address: "Adresse",
  consent: "Consentement",
  consentGiven: "Donné le",
  standstill: "Répit",
  requested: "demandé",
  standstillEnds: "Répit jusqu’au",
  standstillPerCreditor: "Répit par créancier",
  creditor: "Créancier",
  standstillStatus: { running: "en cours", objected: "contesté", ended: "terminé" },
  objection: "Objection",
  until: "Jusqu’au",
  download: (name) => `Télécharger ${name}`,
  downloadFailed: "Le document n’a pas pu être obtenu. Réessayez.",
  totals: "Totaux",
  byClass: "Par classe",
  creditors: "Créanciers",
  claims: "Créances",
  claim: "Créance",
  principal: "Principal",
  interest: "Intérêts",
  costs: "Frais",
  paid: "Payé",
  outstanding: "Solde dû",
  continuesDuringStandstill: "Continue pendant le répit",
  yes: "oui",
  no: "non",
  pendingReplies: "Réponses attendues",
  replyDue: "Réponse attendue le",
  messages: "Messages",
  mails: "Réponses par e-mail",
  from: "De",
  to: "À",
  sent: "Envoyé",
  answered: "Répondu",
  claimsReceived: "Créances reçues",
  offered: "Offert",
  monthly: "Mensualités",
  reason: "Motif",
  comment: "Commentaire",
  fileReferences: "Références de dossier",
  attachments: "Pièces jointes",
  notFound: "Ce dossier n’existe pas ou n’est plus le vôtre.",
  states: {
    awaiting_signed_form: "en attente du formulaire signé",
    registered: "enregistré",
    notified: "notifié aux créanciers",
    negotiating: "en négociation",
    settled: "accord conclu",
    terminated: "terminé",
    closed: "clôturé",
    withdrawn: "consentement retiré",
    erased: "effacé",
  },
  messageTypes: {
    notice: "Notification",
    balance_request: "Demande de solde",
    proposal: "Proposition",
    reconsideration: "Réexamen",
    settlement_agreed: "Accord conclu",
    termination: "Fin",
    status_request: "Demande d’état",
    notice_ack: "Notification confirmée",
    no_cooperation: "Pas de coopération",
    objection: "Opposition",
    not_in_need: "Pas de dette",
    balance_reply: "Relevé de solde",
    balance_reply_preapproved: "Relevé de solde (accord préalable)",
    proposal_accept: "Proposition acceptée",
    proposal_reject: "Proposition refusée",
    status_report: "Rapport d’état",
  },
  classes: { preferential: "privilégiée", ordinary: "ordinaire" },
  noCooperation: {
    unknown_person: "la personne est inconnue de cette étude",
    recent_discharge: "une remise de dettes récente",
    recent_attempt: "une tentative de règlement récente",
    refuses_agency: "l’étude ne travaille pas avec ce service",
  },
};

const TEXTS: Record<Language, Texts> = { nl, fr, en };

export function texts(language: Language): Texts {
  return TEXTS[language];
}

/** The language chosen before (remembered on this device), else the browser's, else English. */
export function initialLanguage(): Language {
  const stored = localStorage.getItem(LANGUAGE_KEY);
  if (isLanguage(stored)) return stored;
  const preferred = navigator.languages.map((tag) => tag.slice(0, 2).toLowerCase());
  return preferred.find(isLanguage) ?? "en";
}

export function rememberLanguage(language: Language): void {
  localStorage.setItem(LANGUAGE_KEY, language);
  document.documentElement.lang = language;
}

function isLanguage(value: string | null | undefined): value is Language {
  return LANGUAGES.includes(value as Language);
}

export function money(cents: number, language: Language): string {
  return new Intl.NumberFormat(LOCALES[language], { style: "currency", currency: "EUR" }).format(cents / 100);
}

/** A calendar date of the API (YYYY-MM-DD), shown without a time zone shift. */
export function day(isoDate: string, language: Language): string {
  const [year, month, date] = isoDate.slice(0, 10).split("-").map(Number);
  return new Intl.DateTimeFormat(LOCALES[language], { dateStyle: "medium", timeZone: "UTC" }).format(
    new Date(Date.UTC(year ?? 1970, (month ?? 1) - 1, date ?? 1)),
  );
}

export function moment(isoDateTime: string, language: Language): string {
  return new Intl.DateTimeFormat(LOCALES[language], { dateStyle: "medium", timeStyle: "short" }).format(
    new Date(isoDateTime),
  );
}
