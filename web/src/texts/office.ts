// The office portal's texts in NL, FR and EN. Every dictionary has every key (the compiler checks it);
// the API's enums (message types, classes, reasons) keep their labels in ../i18n.ts.
import type { components } from "../api/schema";
import type { Language } from "../i18n";

type OfficeTexts = {
  portal: string;
  inbox: string;
  webhook: string;
  downloadInbox: string;
  noMessages: string;
  received: string;
  ackDue: string;
  replyDue: string;
  from: string;
  dossier: string;
  more: string;
  openMessage: string;
  backToInbox: string;
  notInInbox: string;
  request: string;
  person: string;
  birthDate: string;
  address: string;
  nationalNumber: string;
  standstill: string;
  proposalKind: string;
  instalments: string;
  buyOut: string;
  outstanding: string;
  offered: string;
  monthly: string;
  months: string;
  documents: string;
  download: string;
  answer: string;
  answerWith: string;
  claims: string;
  claimNumber: string;
  addClaim: string;
  removeClaim: string;
  officeReference: string;
  principalCreditor: string;
  creditorClass: string;
  principal: string;
  interest: string;
  costs: string;
  paid: string;
  euroHint: string;
  title: string;
  titleDescription: string;
  publicSale: string;
  garnishment: string;
  reason: string;
  reasonOptional: string;
  comment: string;
  fileReferences: string;
  fileReferencesHint: string;
  send: string;
  answered: string;
  checkFields: string;
  notAnAmount: string;
  csvHeading: string;
  csvHint: string;
  csvFile: string;
  upload: string;
  csvStored: string;
  csvRejected: string;
  line: string;
  acknowledge: string;
  acknowledgeHint: string;
  acknowledged: string;
  acknowledgedOn: (when: string) => string;
  webhookUrl: string;
  webhookHint: string;
  noWebhook: string;
  save: string;
  saved: string;
  secret: string;
  secretHint: string;
  rotate: string;
  newSecret: string;
  shownOnce: string;
  copy: string;
  copied: string;
  previousValidUntil: string;
  notAnOffice: string;
  titleKinds: Record<components["schemas"]["TitleKind"], string>;
};

const en: OfficeTexts = {
  portal: "Office portal",
  inbox: "Inbox",
  webhook: "Webhook",
  downloadInbox: "Download the inbox as CSV",
  noMessages: "No messages waiting.",
  received: "Received",
  ackDue: "Acknowledge by",
  replyDue: "Answer by",
  from: "From",
  dossier: "Dossier",
  more: "Show more",
  openMessage: "Open message",
  backToInbox: "Back to the inbox",
  notInInbox: "This message is no longer in your inbox: it was answered or acknowledged.",
  request: "The request",
  person: "Person",
  birthDate: "Date of birth",
  address: "Address",
  nationalNumber: "National number",
  standstill: "Standstill requested: please pause enforcement for at most three months.",
  proposalKind: "Proposal",
  instalments: "monthly instalments",
  buyOut: "buy-out",
  outstanding: "Outstanding",
  offered: "Offered",
  monthly: "First instalment",
  months: "Months:",
  documents: "Documents",
  download: "Download",
  answer: "Answer",
  answerWith: "Answer with",
  claims: "Claims",
  claimNumber: "Claim",
  addClaim: "Add a claim",
  removeClaim: "Remove this claim",
  officeReference: "Your file reference",
  principalCreditor: "Principal creditor",
  creditorClass: "Class",
  principal: "Principal (€)",
  interest: "Interest (€)",
  costs: "Costs (€)",
  paid: "Paid (€)",
  euroHint: "In euros, e.g. 1200,50",
  title: "Enforceable title",
  titleDescription: "Title: description",
  publicSale: "Public sale announced on",
  garnishment: "Garnishment laid",
  reason: "Reason",
  reasonOptional: "Reason (optional)",
  comment: "Comment (optional)",
  fileReferences: "File references (optional)",
  fileReferencesHint: "Separated by commas",
  send: "Send the answer",
  answered: "Answer sent. The message has left your inbox.",
  checkFields: "The answer was not accepted: check the marked fields.",
  notAnAmount: "Enter an amount in euros, e.g. 1200,50.",
  csvHeading: "Answer with a CSV file",
  csvHint: "Claims as ;-separated CSV (one row per claim, amounts in euros).",
  csvFile: "CSV file",
  upload: "Upload",
  csvStored: "Claims stored:",
  csvRejected: "Rows rejected:",
  line: "line",
  acknowledge: "Acknowledge",
  acknowledgeHint: "Acknowledging says you received the message; it stays here, marked, until you answer it.",
  acknowledged: "Acknowledged.",
  acknowledgedOn: (when) => `Acknowledged ${when}`,
  webhookUrl: "Webhook URL",
  webhookHint: "https only, a public host. Leave empty for email only.",
  noWebhook: "none (email only)",
  save: "Save",
  saved: "Saved.",
  secret: "Webhook secret",
  secretHint: "A new secret signs your webhooks and callbacks; the previous one stays valid for 7 days.",
  rotate: "Make a new secret",
  newSecret: "Your new secret",
  shownOnce: "It is shown this once: copy it now.",
  copy: "Copy",
  copied: "Copied.",
  previousValidUntil: "Previous secret valid until:",
  notAnOffice: "Your account is not linked to one office.",
  titleKinds: { none: "none", judgment: "judgment", notarial_deed: "notarial deed" },
};

const nl: OfficeTexts = {
  portal: "Kantoorportaal",
  inbox: "Inbox",
  webhook: "Webhook",
  downloadInbox: "Inbox downloaden als CSV",
  noMessages: "Geen berichten.",
  received: "Ontvangen",
  ackDue: "Bevestigen voor",
  replyDue: "Antwoorden voor",
  from: "Van",
  dossier: "Dossier",
  more: "Meer tonen",
  openMessage: "Bericht openen",
  backToInbox: "Terug naar de inbox",
  notInInbox: "Dit bericht staat niet meer in uw inbox: het is beantwoord of bevestigd.",
  request: "Het verzoek",
  person: "Persoon",
  birthDate: "Geboortedatum",
  address: "Adres",
  nationalNumber: "Rijksregisternummer",
  standstill: "Adempauze gevraagd: schort de uitvoering op, ten hoogste drie maanden.",
  proposalKind: "Voorstel",
  instalments: "maandelijkse afbetaling",
  buyOut: "afkoop",
  outstanding: "Openstaand",
  offered: "Aangeboden",
  monthly: "Eerste maandbedrag",
  months: "Maanden:",
  documents: "Documenten",
  download: "Downloaden",
  answer: "Antwoorden",
  answerWith: "Antwoord",
  claims: "Vorderingen",
  claimNumber: "Vordering",
  addClaim: "Vordering toevoegen",
  removeClaim: "Deze vordering verwijderen",
  officeReference: "Uw dossierreferentie",
  principalCreditor: "Opdrachtgever",
  creditorClass: "Rang",
  principal: "Hoofdsom (€)",
  interest: "Interest (€)",
  costs: "Kosten (€)",
  paid: "Betaald (€)",
  euroHint: "In euro, bv. 1200,50",
  title: "Uitvoerbare titel",
  titleDescription: "Titel: omschrijving",
  publicSale: "Openbare verkoop aangekondigd op",
  garnishment: "Beslag gelegd",
  reason: "Reden",
  reasonOptional: "Reden (optioneel)",
  comment: "Opmerking (optioneel)",
  fileReferences: "Dossierreferenties (optioneel)",
  fileReferencesHint: "Gescheiden door komma's",
  send: "Antwoord versturen",
  answered: "Antwoord verstuurd. Het bericht is uit uw inbox.",
  checkFields: "Het antwoord is niet aanvaard: controleer de gemarkeerde velden.",
  notAnAmount: "Geef een bedrag in euro, bv. 1200,50.",
  csvHeading: "Antwoorden met een CSV-bestand",
  csvHint: "Vorderingen als CSV met ; (één rij per vordering, bedragen in euro).",
  csvFile: "CSV-bestand",
  upload: "Opladen",
  csvStored: "Vorderingen bewaard:",
  csvRejected: "Rijen geweigerd:",
  line: "rij",
  acknowledge: "Bevestigen",
  acknowledgeHint: "Bevestigen zegt dat u het bericht ontving; het blijft hier, gemarkeerd, tot u antwoordt.",
  acknowledged: "Bevestigd.",
  acknowledgedOn: (when) => `Bevestigd ${when}`,
  webhookUrl: "Webhook-URL",
  webhookHint: "Alleen https, een publieke host. Leeg: alleen e-mail.",
  noWebhook: "geen (alleen e-mail)",
  save: "Bewaren",
  saved: "Bewaard.",
  secret: "Webhookgeheim",
  secretHint: "Een nieuw geheim ondertekent uw webhooks en callbacks; het vorige blijft 7 dagen geldig.",
  rotate: "Nieuw geheim maken",
  newSecret: "Uw nieuwe geheim",
  shownOnce: "Het wordt maar één keer getoond: kopieer het nu.",
  copy: "Kopiëren",
  copied: "Gekopieerd.",
  previousValidUntil: "Vorig geheim geldig tot:",
  notAnOffice: "Uw account is niet aan één kantoor gekoppeld.",
  titleKinds: { none: "geen", judgment: "vonnis", notarial_deed: "notariële akte" },
};

const fr: OfficeTexts = {
  portal: "Portail de l’étude",
  inbox: "Boîte de réception",
  webhook: "Webhook",
  downloadInbox: "Télécharger la boîte en CSV",
  noMessages: "Aucun message en attente.",
  received: "Reçu",
  ackDue: "À confirmer avant",
  replyDue: "À répondre avant",
  from: "De",
  dossier: "Dossier",
  more: "Afficher plus",
  openMessage: "Ouvrir le message",
  backToInbox: "Retour à la boîte de réception",
  notInInbox: "Ce message n’est plus dans votre boîte : il a reçu une réponse ou a été confirmé.",
  request: "La demande",
  person: "Personne",
  birthDate: "Date de naissance",
  address: "Adresse",
  nationalNumber: "Numéro de registre national",
  standstill: "Répit demandé : suspendez l’exécution, trois mois au plus.",
  proposalKind: "Proposition",
  instalments: "mensualités",
  buyOut: "rachat",
  outstanding: "Solde",
  offered: "Offert",
  monthly: "Première mensualité",
  months: "Mois :",
  documents: "Documents",
  download: "Télécharger",
  answer: "Répondre",
  answerWith: "Réponse",
  claims: "Créances",
  claimNumber: "Créance",
  addClaim: "Ajouter une créance",
  removeClaim: "Retirer cette créance",
  officeReference: "Votre référence",
  principalCreditor: "Mandant",
  creditorClass: "Rang",
  principal: "Principal (€)",
  interest: "Intérêts (€)",
  costs: "Frais (€)",
  paid: "Payé (€)",
  euroHint: "En euros, p. ex. 1200,50",
  title: "Titre exécutoire",
  titleDescription: "Titre : description",
  publicSale: "Vente publique annoncée le",
  garnishment: "Saisie pratiquée",
  reason: "Motif",
  reasonOptional: "Motif (facultatif)",
  comment: "Commentaire (facultatif)",
  fileReferences: "Références de dossier (facultatif)",
  fileReferencesHint: "Séparées par des virgules",
  send: "Envoyer la réponse",
  answered: "Réponse envoyée. Le message a quitté votre boîte.",
  checkFields: "La réponse n’a pas été acceptée : vérifiez les champs indiqués.",
  notAnAmount: "Indiquez un montant en euros, p. ex. 1200,50.",
  csvHeading: "Répondre avec un fichier CSV",
  csvHint: "Créances en CSV séparé par des ; (une ligne par créance, montants en euros).",
  csvFile: "Fichier CSV",
  upload: "Envoyer le fichier",
  csvStored: "Créances enregistrées :",
  csvRejected: "Lignes refusées :",
  line: "ligne",
  acknowledge: "Confirmer la réception",
  acknowledgeHint: "Confirmer dit que vous avez reçu le message ; il reste ici, marqué, jusqu’à votre réponse.",
  acknowledged: "Réception confirmée.",
  acknowledgedOn: (when) => `Réception confirmée le ${when}`,
  webhookUrl: "URL du webhook",
  webhookHint: "https uniquement, un hôte public. Vide : e-mail seulement.",
  noWebhook: "aucune (e-mail seulement)",
  save: "Enregistrer",
  saved: "Enregistré.",
  secret: "Secret du webhook",
  secretHint: "Un nouveau secret signe vos webhooks et rappels ; l’ancien reste valable 7 jours.",
  rotate: "Créer un nouveau secret",
  newSecret: "Votre nouveau secret",
  shownOnce: "Il n’est affiché qu’une fois : copiez-le maintenant.",
  copy: "Copier",
  copied: "Copié.",
  previousValidUntil: "Ancien secret valable jusqu’au :",
  notAnOffice: "Votre compte n’est pas lié à une étude.",
  titleKinds: { none: "aucun", judgment: "jugement", notarial_deed: "acte notarié" },
};

const OFFICE_TEXTS: Record<Language, OfficeTexts> = { nl, fr, en };

export function officeTexts(language: Language): OfficeTexts {
  return OFFICE_TEXTS[language];
}

export type { OfficeTexts };
