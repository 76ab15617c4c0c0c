// The caseworker's actions (registration, messages to offices, the feed, the statement of debts, the
// access log) in NL, FR and EN. Every dictionary has every key (the compiler checks it); the labels of
// the API's enums are records over the generated types, so a value the API adds fails the build.
import type { components } from "../api/schema";
import type { Language } from "../i18n";

type FeedKind = components["schemas"]["FeedKind"];
type ConsentChannel = components["schemas"]["ConsentChannel"];
type Country = components["schemas"]["Country"];
type Action = components["schemas"]["Action"];
type Purpose = components["schemas"]["Purpose"];

export type CaseworkTexts = {
  newDossier: string;
  registration: string;
  personSection: string;
  givenNames: string;
  familyName: string;
  birthDate: string;
  nationalNumber: string;
  nationalNumberHint: string;
  country: string;
  numberCountry: string;
  countries: Record<Country, string>;
  street: string;
  houseNumber: string;
  postalCode: string;
  city: string;
  agencyReference: string;
  agencyReferenceHint: string;
  consentSection: string;
  personLanguage: string;
  consentText: string;
  consentVersion: string;
  consentAgreed: string;
  channel: string;
  channels: Record<ConsentChannel, string>;
  signedForm: string;
  signedFormHint: string;
  signedFormMissing: string;
  signedFormAwaited: string;
  uploadForm: string;
  uploading: string;
  uploadFailed: string;
  register: string;
  registering: string;
  fixFields: string;
  cancel: string;
  confirm: string;
  optional: string;
  sendMessages: string;
  notices: string;
  noticesHint: string;
  searchOffices: string;
  alreadyNotified: string;
  noOfficeMatches: string;
  sendNotices: string;
  followUps: string;
  followUpsHint: string;
  balanceRequest: string;
  statusRequest: string;
  chooseOffices: string;
  confirmNotices: (offices: string) => string;
  confirmBalance: (offices: string) => string;
  confirmStatus: (offices: string) => string;
  sentTo: (offices: string) => string;
  sending: string;
  feed: string;
  unreadCount: (count: number) => string;
  unreadOnly: string;
  feedEmpty: string;
  markRead: string;
  read: string;
  unread: string;
  openDossier: string;
  message: string;
  dossier: string;
  feedKinds: Record<FeedKind, string>;
  statement: string;
  showStatement: string;
  downloadCsv: string;
  downloadPdf: string;
  generatedAt: string;
  creditor: string;
  reference: string;
  principalCreditor: string;
  garnishment: string;
  publicSale: string;
  accessLog: string;
  showAccessLog: string;
  accessLogForbidden: string;
  when: string;
  who: string;
  action: string;
  purpose: string;
  actions: Record<Action, string>;
  purposes: Record<Purpose, string>;
  failed: string;
};

const nl: CaseworkTexts = {
  newDossier: "Nieuw dossier",
  registration: "Nieuw dossier registreren",
  personSection: "De persoon",
  givenNames: "Voornamen",
  familyName: "Familienaam",
  birthDate: "Geboortedatum",
  nationalNumber: "Rijksregisternummer / BSN",
  nationalNumberHint: "België: 85.07.30-033.28; Nederland: het BSN (9 cijfers)",
  country: "Land",
  numberCountry: "Land van het nummer",
  countries: { BE: "België", NL: "Nederland" },
  street: "Straat",
  houseNumber: "Huisnummer",
  postalCode: "Postcode",
  city: "Gemeente",
  agencyReference: "Eigen dossiernummer",
  agencyReferenceHint: "letters, cijfers, spaties en . / _ -; zonder namen: het staat in lijsten",
  consentSection: "Toestemming",
  personLanguage: "Taal van de persoon",
  consentText: "Toestemmingstekst",
  consentVersion: "versie",
  consentAgreed: "De persoon heeft deze tekst gelezen en stemt ermee in",
  channel: "Hoe de toestemming gegeven werd",
  channels: { in_person: "mondeling, ter plaatse", signed_paper_form: "ondertekend papieren formulier" },
  signedForm: "Ondertekend formulier",
  signedFormHint: "PDF, JPEG of PNG, hoogstens 5 MB",
  signedFormMissing: "Kies het ondertekende formulier.",
  signedFormAwaited: "Het ondertekende formulier ontbreekt nog: er gaat geen bericht naar schuldeisers tot het er is.",
  uploadForm: "Formulier toevoegen",
  uploading: "Bezig met opladen…",
  uploadFailed: "Het formulier kon niet worden opgeladen. Probeer het opnieuw.",
  register: "Registreren",
  registering: "Bezig met registreren…",
  fixFields: "Verbeter de aangeduide velden.",
  cancel: "Annuleren",
  confirm: "Bevestigen",
  optional: "niet verplicht",
  sendMessages: "Aanmeldingen en vragen",
  notices: "Aanmeldingen",
  noticesHint: "Meld het dossier aan bij schuldeisers: zij antwoorden met hun vorderingen, de adempauze begint.",
  searchOffices: "Zoek een schuldeiser",
  alreadyNotified: "al aangemeld",
  noOfficeMatches: "Geen schuldeiser gevonden.",
  sendNotices: "Aanmelding versturen",
  followUps: "Opvolging",
  followUpsHint: "Vraag aangemelde schuldeisers naar hun saldo of de stand van hun dossier.",
  balanceRequest: "Saldo opvragen",
  statusRequest: "Stand opvragen",
  chooseOffices: "Kies minstens één schuldeiser.",
  confirmNotices: (offices) =>
    `Een aanmelding gaat naar ${offices}. Zij krijgen de gegevens van de persoon die zij nodig hebben en worden gevraagd hun vorderingen te melden; de adempauze begint.`,
  confirmBalance: (offices) => `Een saldovraag gaat naar ${offices}. Zij worden gevraagd hun actuele saldo te melden.`,
  confirmStatus: (offices) => `Een vraag naar de stand van het dossier gaat naar ${offices}.`,
  sentTo: (offices) => `Verstuurd naar ${offices}.`,
  sending: "Bezig met versturen…",
  feed: "Meldingen",
  unreadCount: (count) => (count === 1 ? "1 ongelezen" : `${count} ongelezen`),
  unreadOnly: "Alleen ongelezen",
  feedEmpty: "Geen meldingen.",
  markRead: "Markeer als gelezen",
  read: "gelezen",
  unread: "ongelezen",
  openDossier: "Open het dossier",
  message: "Bericht",
  dossier: "Dossier",
  feedKinds: {
    dossier_registered: "Dossier geregistreerd",
    reply_received: "Antwoord ontvangen",
    reply_overdue: "Antwoord te laat",
    not_acknowledged: "Niet bevestigd",
    standstill_ends_soon: "Adempauze eindigt binnenkort",
    mail_received: "E-mail ontvangen",
    mail_quarantined: "E-mail in quarantaine",
    weekly_digest: "Weekoverzicht",
    email_bounced: "E-mail niet bezorgd",
    email_complained: "E-mail als ongewenst gemeld",
    email_withheld: "E-mail tegengehouden",
    webhook_disabled: "Webhook uitgeschakeld",
    webhook_failed: "Webhook mislukt",
    dossier_transferred: "Dossier overgedragen",
  },
  statement: "Schuldenoverzicht",
  showStatement: "Schuldenoverzicht tonen",
  downloadCsv: "Download als CSV",
  downloadPdf: "Download als PDF",
  generatedAt: "Opgemaakt",
  creditor: "Schuldeiser",
  reference: "Referentie",
  principalCreditor: "Oorspronkelijke schuldeiser",
  garnishment: "beslag gelegd",
  publicSale: "openbare verkoop aangekondigd op",
  accessLog: "Toegangslogboek",
  showAccessLog: "Toegangslogboek tonen",
  accessLogForbidden: "Alleen beheerders en toezichthouders van de dienst mogen het toegangslogboek lezen.",
  when: "Wanneer",
  who: "Wie",
  action: "Wat",
  purpose: "Waarom",
  actions: {
    registered: "geregistreerd",
    read_person: "persoon gelezen",
    read_refused: "lezen geweigerd",
    read_consent: "toestemming gelezen",
    consent_form_added: "formulier toegevoegd",
    closed: "afgesloten",
    consent_withdrawn: "toestemming ingetrokken",
    transferred: "overgedragen",
    sent_to_offices: "verstuurd naar schuldeisers",
    read_by_office: "gelezen door schuldeiser",
    answered_by_office: "beantwoord door schuldeiser",
    looked_up: "opgezocht",
    read_access_log: "toegangslogboek gelezen",
    subject_access_export: "inzage-export",
    statement_of_debts: "schuldenoverzicht",
    creditor_recorded: "schuldeiser toegevoegd",
  },
  purposes: {
    case_work: "dossierwerk",
    consent_proof: "bewijs van toestemming",
    supervision: "toezicht",
    transfer: "overdracht",
    creditor_exchange: "uitwisseling met schuldeisers",
    creditor_lookup: "opzoeking door schuldeiser",
    subject_access: "inzage door de persoon",
  },
  failed: "Dat lukte niet. Probeer het opnieuw.",
};

const fr: CaseworkTexts = {
  newDossier: "Nouveau dossier",
  registration: "Enregistrer un nouveau dossier",
  personSection: "La personne",
  givenNames: "Prénoms",
  familyName: "Nom de famille",
  birthDate: "Date de naissance",
  nationalNumber: "Numéro de registre national / BSN",
  nationalNumberHint: "Belgique : 85.07.30-033.28 ; Pays-Bas : le BSN (9 chiffres)",
  country: "Pays",
  numberCountry: "Pays du numéro",
  countries: { BE: "Belgique", NL: "Pays-Bas" },
  street: "Rue",
  houseNumber: "Numéro",
  postalCode: "Code postal",
  city: "Commune",
  agencyReference: "Numéro de dossier du service",
  agencyReferenceHint: "lettres, chiffres, espaces et . / _ - ; sans nom : il figure dans les listes",
  consentSection: "Consentement",
  personLanguage: "Langue de la personne",
  consentText: "Texte du consentement",
  consentVersion: "version",
  consentAgreed: "La personne a lu ce texte et y consent",
  channel: "Comment le consentement a été donné",
  channels: { in_person: "oralement, sur place", signed_paper_form: "formulaire papier signé" },
  signedForm: "Formulaire signé",
  signedFormHint: "PDF, JPEG ou PNG, 5 Mo au plus",
  signedFormMissing: "Choisissez le formulaire signé.",
  signedFormAwaited:
    "Le formulaire signé manque encore : aucun message ne part vers les créanciers avant qu’il soit ajouté.",
  uploadForm: "Ajouter le formulaire",
  uploading: "Envoi du fichier…",
  uploadFailed: "Le formulaire n’a pas pu être envoyé. Réessayez.",
  register: "Enregistrer",
  registering: "Enregistrement…",
  fixFields: "Corrigez les champs indiqués.",
  cancel: "Annuler",
  confirm: "Confirmer",
  optional: "facultatif",
  sendMessages: "Notifications et demandes",
  notices: "Notifications",
  noticesHint:
    "Notifiez le dossier aux créanciers : ils répondent avec leurs créances, la période de répit commence.",
  searchOffices: "Chercher un créancier",
  alreadyNotified: "déjà notifié",
  noOfficeMatches: "Aucun créancier trouvé.",
  sendNotices: "Envoyer la notification",
  followUps: "Suivi",
  followUpsHint: "Demandez aux créanciers notifiés leur solde ou l’état de leur dossier.",
  balanceRequest: "Demander le solde",
  statusRequest: "Demander l’état",
  chooseOffices: "Choisissez au moins un créancier.",
  confirmNotices: (offices) =>
    `Une notification part vers ${offices}. Ils reçoivent les données de la personne dont ils ont besoin et sont invités à déclarer leurs créances ; la période de répit commence.`,
  confirmBalance: (offices) => `Une demande de solde part vers ${offices}. Ils sont invités à déclarer leur solde actuel.`,
  confirmStatus: (offices) => `Une demande d’état du dossier part vers ${offices}.`,
  sentTo: (offices) => `Envoyé à ${offices}.`,
  sending: "Envoi…",
  feed: "Fil d’activité",
  unreadCount: (count) => (count === 1 ? "1 non lue" : `${count} non lues`),
  unreadOnly: "Non lues seulement",
  feedEmpty: "Aucune notification.",
  markRead: "Marquer comme lue",
  read: "lue",
  unread: "non lue",
  openDossier: "Ouvrir le dossier",
  message: "Message",
  dossier: "Dossier",
  feedKinds: {
    dossier_registered: "Dossier enregistré",
    reply_received: "Réponse reçue",
    reply_overdue: "Réponse en retard",
    not_acknowledged: "Non confirmé",
    standstill_ends_soon: "Fin prochaine du répit",
    mail_received: "E-mail reçu",
    mail_quarantined: "E-mail en quarantaine",
    weekly_digest: "Résumé hebdomadaire",
    email_bounced: "E-mail non distribué",
    email_complained: "E-mail signalé comme indésirable",
    email_withheld: "E-mail retenu",
    webhook_disabled: "Webhook désactivé",
    webhook_failed: "Échec du webhook",
    dossier_transferred: "Dossier transféré",
  },
  statement: "Relevé des dettes",
  showStatement: "Afficher le relevé des dettes",
  downloadCsv: "Télécharger en CSV",
  downloadPdf: "Télécharger en PDF",
  generatedAt: "Établi le",
  creditor: "Créancier",
  reference: "Référence",
  principalCreditor: "Créancier d’origine",
  garnishment: "saisie pratiquée",
  publicSale: "vente publique annoncée le",
  accessLog: "Journal des accès",
  showAccessLog: "Afficher le journal des accès",
  accessLogForbidden: "Seuls les administrateurs et superviseurs du service peuvent lire le journal des accès.",
  when: "Quand",
  who: "Qui",
  action: "Quoi",
  purpose: "Pourquoi",
  actions: {
    registered: "enregistré",
    read_person: "personne consultée",
    read_refused: "lecture refusée",
    read_consent: "consentement consulté",
    consent_form_added: "formulaire ajouté",
    closed: "clôturé",
    consent_withdrawn: "consentement retiré",
    transferred: "transféré",
    sent_to_offices: "envoyé aux créanciers",
    read_by_office: "lu par un créancier",
    answered_by_office: "réponse d’un créancier",
    looked_up: "recherché",
    read_access_log: "journal des accès consulté",
    subject_access_export: "export d’accès",
    statement_of_debts: "relevé des dettes",
    creditor_recorded: "créancier ajouté",
  },
  purposes: {
    case_work: "suivi du dossier",
    consent_proof: "preuve du consentement",
    supervision: "supervision",
    transfer: "transfert",
    creditor_exchange: "échange avec les créanciers",
    creditor_lookup: "recherche par un créancier",
    subject_access: "accès de la personne",
  },
  failed: "Cela n’a pas abouti. Réessayez.",
};

const en: CaseworkTexts = {
  newDossier: "New dossier",
  registration: "Register a new dossier",
  personSection: "The person",
  givenNames: "Given names",
  familyName: "Family name",
  birthDate: "Date of birth",
  nationalNumber: "National number / BSN",
  nationalNumberHint: "Belgium: 85.07.30-033.28; the Netherlands: the BSN (9 digits)",
  country: "Country",
  numberCountry: "Country of the number",
  countries: { BE: "Belgium", NL: "the Netherlands" },
  street: "Street",
  houseNumber: "House number",
  postalCode: "Postal code",
  city: "City",
  agencyReference: "Your file number",
  agencyReferenceHint: "letters, digits, spaces and . / _ -; no names: it is shown in lists",
  consentSection: "Consent",
  personLanguage: "The person's language",
  consentText: "Consent text",
  consentVersion: "version",
  consentAgreed: "The person has read this text and agrees to it",
  channel: "How consent was given",
  channels: { in_person: "in person, on the spot", signed_paper_form: "on a signed paper form" },
  signedForm: "Signed form",
  signedFormHint: "PDF, JPEG or PNG, at most 5 MB",
  signedFormMissing: "Choose the signed form.",
  signedFormAwaited: "The signed form is still missing: no message goes to any creditor until it is added.",
  uploadForm: "Add the form",
  uploading: "Uploading…",
  uploadFailed: "The form could not be uploaded. Try again.",
  register: "Register",
  registering: "Registering…",
  fixFields: "Correct the fields marked below.",
  cancel: "Cancel",
  confirm: "Confirm",
  optional: "optional",
  sendMessages: "Notices and requests",
  notices: "Notices",
  noticesHint: "Notify creditors of the dossier: they answer with their claims, and the standstill begins.",
  searchOffices: "Search a creditor",
  alreadyNotified: "already notified",
  noOfficeMatches: "No creditor found.",
  sendNotices: "Send notice",
  followUps: "Follow-up",
  followUpsHint: "Ask notified creditors for their balance or the status of their file.",
  balanceRequest: "Request balance",
  statusRequest: "Request status",
  chooseOffices: "Choose at least one creditor.",
  confirmNotices: (offices) =>
    `A notice goes to ${offices}. They receive the person's details they need and are asked to declare their claims; the standstill begins.`,
  confirmBalance: (offices) => `A balance request goes to ${offices}. They are asked to declare their current balance.`,
  confirmStatus: (offices) => `A status request goes to ${offices}.`,
  sentTo: (offices) => `Sent to ${offices}.`,
  sending: "Sending…",
  feed: "Feed",
  unreadCount: (count) => `${count} unread`,
  unreadOnly: "Unread only",
  feedEmpty: "Nothing in the feed.",
  markRead: "Mark as read",
  read: "read",
  unread: "unread",
  openDossier: "Open the dossier",
  message: "Message",
  dossier: "Dossier",
  feedKinds: {
    dossier_registered: "Dossier registered",
    reply_received: "Reply received",
    reply_overdue: "Reply overdue",
    not_acknowledged: "Not acknowledged",
    standstill_ends_soon: "Standstill ends soon",
    mail_received: "Email received",
    mail_quarantined: "Email quarantined",
    weekly_digest: "Weekly digest",
    email_bounced: "Email bounced",
    email_complained: "Email marked as spam",
    email_withheld: "Email withheld",
    webhook_disabled: "Webhook disabled",
    webhook_failed: "Webhook failed",
    dossier_transferred: "Dossier transferred",
  },
  statement: "Statement of debts",
  showStatement: "Show the statement of debts",
  downloadCsv: "Download as CSV",
  downloadPdf: "Download as PDF",
  generatedAt: "Drawn up",
  creditor: "Creditor",
  reference: "Reference",
  principalCreditor: "Original creditor",
  garnishment: "garnishment laid",
  publicSale: "public sale announced for",
  accessLog: "Access log",
  showAccessLog: "Show the access log",
  accessLogForbidden: "Only the agency's administrators and supervisors may read the access log.",
  when: "When",
  who: "Who",
  action: "What",
  purpose: "Why",
  actions: {
    registered: "registered",
    read_person: "read the person",
    read_refused: "read refused",
    read_consent: "read the consent",
    consent_form_added: "form added",
    closed: "closed",
    consent_withdrawn: "consent withdrawn",
    transferred: "transferred",
    sent_to_offices: "sent to creditors",
    read_by_office: "read by a creditor",
    answered_by_office: "answered by a creditor",
    looked_up: "looked up",
    read_access_log: "read the access log",
    subject_access_export: "subject-access export",
    statement_of_debts: "statement of debts",
    creditor_recorded: "creditor recorded",
  },
  purposes: {
    case_work: "case work",
    consent_proof: "proof of consent",
    supervision: "supervision",
    transfer: "transfer",
    creditor_exchange: "exchange with creditors",
    creditor_lookup: "lookup by a creditor",
    subject_access: "the person's access",
  },
  failed: "That did not work. Try again.",
};

const CASEWORK: Record<Language, CaseworkTexts> = { nl, fr, en };

export function caseworkTexts(language: Language): CaseworkTexts {
  return CASEWORK[language];
}
