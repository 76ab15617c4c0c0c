// The caseworker's actions on a dossier (the payment plan, the negotiation, the dossier's end), in NL, FR
// and EN. Every dictionary has every key (the compiler checks it); the labels of the API's enums are
// records over the generated types, so a kind or class the API adds fails the build until it has a label.
import type { CreditorClass } from "../api/client";
import type { components } from "../api/schema";
import type { Language } from "../i18n";

export type ProposalKind = components["schemas"]["ProposalKind"];
export type Verdict = "accepted" | "rejected" | "pending" | "preapproved";

export type PlanTexts = {
  actions: string;
  plan: string;
  kind: string;
  kinds: Record<ProposalKind, string>;
  capacity: string;
  percentage: string;
  amountHint: string;
  percentageHint: string;
  invalidAmount: string;
  invalidPercentage: string;
  previewHeading: string;
  previewEmpty: string;
  previewUpdating: string;
  previewSummary: (offered: string, outstanding: string) => string;
  perCreditor: string;
  perClass: string;
  creditor: string;
  creditorClass: string;
  classes: Record<CreditorClass, string>;
  outstanding: string;
  perMonth: string;
  offered: string;
  once: string;
  vtlbNeeded: (offices: string) => string;
  budget: string;
  budgetHint: string;
  budgetFailed: string;
  propose: string;
  proposeTitle: string;
  proposeExplain: (creditors: number) => string;
  proposed: string;
  negotiation: string;
  noProposal: string;
  answer: string;
  answers: string;
  verdicts: Record<Verdict, string>;
  objected: string;
  reason: string;
  comment: string;
  said: (label: string, words: string) => string; // a label and what follows it
  reconsider: string;
  reconsiderOffices: string;
  reconsiderComment: string;
  reconsiderExplain: (offices: string) => string;
  reconsidered: string;
  chooseOffice: string;
  settle: string;
  settleExplain: string;
  settleWaiting: (offices: string) => string;
  settled: string;
  end: string;
  terminate: string;
  terminateExplain: string;
  terminated: string;
  close: string;
  closeExplain: string;
  closed: string;
  withdraw: string;
  withdrawExplain: string;
  endReason: string;
  transfer: string;
  transferExplain: string;
  transferDossier: string;
  transferTo: string;
  transferReason: string;
  transferDo: string;
  transferConfirm: (dossier: string, agency: string) => string;
  transferred: (dossier: string, agency: string) => string;
  confirm: string;
  cancel: string;
  working: string;
  failed: string;
};

const nl: PlanTexts = {
  actions: "Acties",
  plan: "Afbetalingsplan voorstellen",
  kind: "Soort plan",
  kinds: {
    instalments: "36 maandelijkse afbetalingen",
    buy_out: "Saneringskrediet: één percentage van elke vordering",
  },
  capacity: "Maandelijkse aflossingscapaciteit (€)",
  percentage: "Percentage van elke vordering (%)",
  amountHint: "Bijvoorbeeld 250,00",
  percentageHint: "Tussen 0,01 en 100, bijvoorbeeld 35,5",
  invalidAmount: "Geef een bedrag in euro, bijvoorbeeld 250,00.",
  invalidPercentage: "Geef een percentage tussen 0,01 en 100.",
  previewHeading: "Voorbeeld van het plan",
  previewEmpty: "Vul het bedrag in om het plan te zien.",
  previewUpdating: "Het voorbeeld wordt bijgewerkt…",
  previewSummary: (offered, outstanding) => `Aangeboden: ${offered} van ${outstanding} openstaand.`,
  perCreditor: "Per schuldeiser",
  perClass: "Per klasse van schuldeisers",
  creditor: "Schuldeiser",
  creditorClass: "Klasse",
  classes: { preferential: "Bevoorrecht", ordinary: "Gewoon" },
  outstanding: "Openstaand",
  perMonth: "Per maand",
  offered: "Aangeboden in totaal",
  once: "in één keer",
  vtlbNeeded: (offices) =>
    `Deze kantoren aanvaarden een voorstel alleen met de budgetberekening (VTLB) als pdf: ${offices}.`,
  budget: "Budgetberekening (VTLB), pdf",
  budgetHint: "Gaat mee met het voorstel naar elke schuldeiser.",
  budgetFailed: "De budgetberekening kon niet worden opgeladen: kies een pdf en probeer opnieuw.",
  propose: "Voorstel versturen",
  proposeTitle: "Dit voorstel versturen?",
  proposeExplain: (creditors) =>
    `Elk van de ${creditors} schuldeisers krijgt zijn deel van dit plan, met de bedragen hierboven. Ze antwoorden met aanvaarding of weigering.`,
  proposed: "Het voorstel is verstuurd.",
  negotiation: "Onderhandeling",
  noProposal: "Er is nog geen voorstel verstuurd.",
  answer: "Antwoord",
  answers: "Antwoorden per schuldeiser",
  verdicts: {
    accepted: "Aanvaard",
    rejected: "Geweigerd",
    pending: "Nog geen antwoord",
    preapproved: "Vooraf aanvaard",
  },
  objected: "Maakt bezwaar tegen de adempauze",
  reason: "Reden",
  comment: "Opmerking",
  said: (label, words) => `${label}: ${words}`,
  reconsider: "Vragen om te heroverwegen",
  reconsiderOffices: "Aan welke kantoren",
  reconsiderComment: "Toelichting voor de kantoren (niet verplicht)",
  reconsiderExplain: (offices) =>
    `Het laatste voorstel gaat opnieuw naar ${offices}, met uw toelichting. Hun vorige antwoord telt dan niet meer.`,
  reconsidered: "De vraag om te heroverwegen is verstuurd.",
  chooseOffice: "Kies minstens één kantoor.",
  settle: "Akkoord vastleggen",
  settleExplain:
    "Elke schuldeiser heeft aanvaard. Elk verwittigd kantoor krijgt het akkoord, de adempauze eindigt vandaag en het plan van 36 maanden loopt.",
  settleWaiting: (offices) => `Nog niet elke schuldeiser heeft aanvaard: ${offices}.`,
  settled: "Het akkoord is vastgelegd.",
  end: "Het dossier beëindigen",
  terminate: "Schuldhulp stopzetten",
  terminateExplain:
    "Elk verwittigd kantoor krijgt de stopzetting met de reden, en de adempauze eindigt vandaag. Het dossier blijft leesbaar tot het wordt afgesloten.",
  terminated: "De schuldhulp is stopgezet.",
  close: "Dossier afsluiten",
  closeExplain:
    "Het dossier wordt afgesloten. Een lopende adempauze eindigt vandaag. Elk verwittigd kantoor dat nog niets hoorde, krijgt nu een stopzetting met de reden. De persoonsgegevens worden gewist na de bewaartermijn (standaard 30 dagen).",
  closed: "Het dossier is afgesloten.",
  withdraw: "Toestemming intrekken",
  withdrawExplain:
    "De persoon trekt de toestemming in. De persoonsgegevens worden meteen onleesbaar, voor iedereen, en daarna gewist. Dit kan niet ongedaan worden gemaakt.",
  endReason: "Reden (zonder persoonsgegevens)",
  transfer: "Een dossier naar een andere dienst verhuizen",
  transferExplain:
    "De vorige dienst verliest de toegang meteen; de verhuizing wordt gelogd. Het lukt niet als de persoon al een dossier heeft bij de nieuwe dienst, of als het dossier is afgesloten.",
  transferDossier: "Dossiernummer",
  transferTo: "Naar dienst (id)",
  transferReason: "Reden (de nieuwe dienst ziet ze)",
  transferDo: "Dossier verhuizen",
  transferConfirm: (dossier, agency) =>
    `Dossier ${dossier} gaat naar ${agency}. De huidige dienst kan het vanaf nu niet meer lezen.`,
  transferred: (dossier, agency) => `Dossier ${dossier} is verhuisd naar ${agency}.`,
  confirm: "Bevestigen",
  cancel: "Annuleren",
  working: "Bezig…",
  failed: "Dat lukte niet. Probeer het opnieuw.",
};

const fr: PlanTexts = {
  actions: "Actions",
  plan: "Proposer un plan de paiement",
  kind: "Type de plan",
  kinds: {
    instalments: "36 mensualités",
    buy_out: "Rachat : un pourcentage de chaque créance",
  },
  capacity: "Capacité de remboursement mensuelle (€)",
  percentage: "Pourcentage de chaque créance (%)",
  amountHint: "Par exemple 250,00",
  percentageHint: "Entre 0,01 et 100, par exemple 35,5",
  invalidAmount: "Indiquez un montant en euros, par exemple 250,00.",
  invalidPercentage: "Indiquez un pourcentage entre 0,01 et 100.",
  previewHeading: "Aperçu du plan",
  previewEmpty: "Indiquez le montant pour voir le plan.",
  previewUpdating: "Mise à jour de l’aperçu…",
  previewSummary: (offered, outstanding) => `Offert : ${offered} sur ${outstanding} solde dû.`,
  perCreditor: "Par créancier",
  perClass: "Par catégorie de créanciers",
  creditor: "Créancier",
  creditorClass: "Catégorie",
  classes: { preferential: "Privilégié", ordinary: "Ordinaire" },
  outstanding: "Solde dû",
  perMonth: "Par mois",
  offered: "Offert au total",
  once: "en une fois",
  vtlbNeeded: (offices) =>
    `Ces études n’acceptent une proposition qu’avec le calcul budgétaire (VTLB) en PDF : ${offices}.`,
  budget: "Calcul budgétaire (VTLB), PDF",
  budgetHint: "Il accompagne la proposition chez chaque créancier.",
  budgetFailed: "Le calcul budgétaire n’a pas pu être envoyé : choisissez un PDF et réessayez.",
  propose: "Envoyer la proposition",
  proposeTitle: "Envoyer cette proposition ?",
  proposeExplain: (creditors) =>
    `Chacun des ${creditors} créanciers reçoit sa part de ce plan, avec les montants ci-dessus. Ils répondent par une acceptation ou un refus.`,
  proposed: "La proposition a été envoyée.",
  negotiation: "Négociation",
  noProposal: "Aucune proposition n’a encore été envoyée.",
  answer: "Réponse",
  answers: "Réponses par créancier",
  verdicts: {
    accepted: "Acceptée",
    rejected: "Refusée",
    pending: "Pas encore de réponse",
    preapproved: "Acceptée d’avance",
  },
  objected: "S’oppose au répit",
  reason: "Motif",
  comment: "Commentaire",
  said: (label, words) => `${label} : ${words}`, // a space before the colon in French
  reconsider: "Demander un réexamen",
  reconsiderOffices: "À quelles études",
  reconsiderComment: "Explication pour les études (facultatif)",
  reconsiderExplain: (offices) =>
    `La dernière proposition est renvoyée à ${offices}, avec votre explication. Leur réponse précédente ne compte plus.`,
  reconsidered: "La demande de réexamen a été envoyée.",
  chooseOffice: "Choisissez au moins une étude.",
  settle: "Enregistrer l’accord",
  settleExplain:
    "Chaque créancier a accepté. Chaque étude notifiée reçoit l’accord, le répit prend fin aujourd’hui et le plan de 36 mois commence.",
  settleWaiting: (offices) => `Tous les créanciers n’ont pas encore accepté : ${offices}.`,
  settled: "L’accord a été enregistré.",
  end: "Mettre fin au dossier",
  terminate: "Arrêter la médiation de dettes",
  terminateExplain:
    "Chaque étude notifiée reçoit l’arrêt avec le motif, et le répit prend fin aujourd’hui. Le dossier reste lisible jusqu’à sa clôture.",
  terminated: "La médiation de dettes a été arrêtée.",
  close: "Clôturer le dossier",
  closeExplain:
    "Le dossier est clôturé. Un répit en cours prend fin aujourd’hui. Chaque étude notifiée qui n’a encore rien reçu reçoit maintenant un arrêt avec le motif. Les données personnelles sont effacées après le délai de conservation (30 jours par défaut).",
  closed: "Le dossier a été clôturé.",
  withdraw: "Retirer le consentement",
  withdrawExplain:
    "La personne retire son consentement. Ses données personnelles deviennent illisibles immédiatement, pour tous, puis sont effacées. C’est irréversible.",
  endReason: "Motif (sans données personnelles)",
  transfer: "Transférer un dossier à un autre service",
  transferExplain:
    "L’ancien service perd l’accès immédiatement ; le transfert est journalisé. Il est refusé si la personne a déjà un dossier auprès du nouveau service, ou si le dossier est clôturé.",
  transferDossier: "Numéro du dossier",
  transferTo: "Vers le service (id)",
  transferReason: "Motif (le nouveau service le voit)",
  transferDo: "Transférer le dossier",
  transferConfirm: (dossier, agency) =>
    `Le dossier ${dossier} passe à ${agency}. Le service actuel ne peut plus le lire dès maintenant.`,
  transferred: (dossier, agency) => `Le dossier ${dossier} a été transféré à ${agency}.`,
  confirm: "Confirmer",
  cancel: "Annuler",
  working: "En cours…",
  failed: "Cela n’a pas fonctionné. Réessayez.",
};

const en: PlanTexts = {
  actions: "Actions",
  plan: "Propose a payment plan",
  kind: "Kind of plan",
  kinds: {
    instalments: "36 monthly instalments",
    buy_out: "Buy-out: one percentage of every claim",
  },
  capacity: "Monthly repayment capacity (€)",
  percentage: "Percentage of every claim (%)",
  amountHint: "For example 250.00",
  percentageHint: "Between 0.01 and 100, for example 35.5",
  invalidAmount: "Enter an amount in euros, for example 250.00.",
  invalidPercentage: "Enter a percentage between 0.01 and 100.",
  previewHeading: "Preview of the plan",
  previewEmpty: "Enter the amount to see the plan.",
  previewUpdating: "Updating the preview…",
  previewSummary: (offered, outstanding) => `Offered: ${offered} of ${outstanding} outstanding.`,
  perCreditor: "Per creditor",
  perClass: "Per creditor class",
  creditor: "Creditor",
  creditorClass: "Class",
  classes: { preferential: "Preferential", ordinary: "Ordinary" },
  outstanding: "Outstanding",
  perMonth: "Per month",
  offered: "Offered in total",
  once: "at once",
  vtlbNeeded: (offices) =>
    `These offices accept a proposal only with the budget calculation (VTLB) PDF: ${offices}.`,
  budget: "Budget calculation (VTLB), PDF",
  budgetHint: "It goes with the proposal to every creditor.",
  budgetFailed: "The budget calculation could not be uploaded: choose a PDF and try again.",
  propose: "Send the proposal",
  proposeTitle: "Send this proposal?",
  proposeExplain: (creditors) =>
    `Each of the ${creditors} creditors receives its part of this plan, with the amounts above. They answer by accepting or rejecting it.`,
  proposed: "The proposal was sent.",
  negotiation: "Negotiation",
  noProposal: "No proposal has been sent yet.",
  answer: "Answer",
  answers: "Answers per creditor",
  verdicts: {
    accepted: "Accepted",
    rejected: "Rejected",
    pending: "No answer yet",
    preapproved: "Accepted in advance",
  },
  objected: "Objects to the standstill",
  reason: "Reason",
  comment: "Comment",
  said: (label, words) => `${label}: ${words}`,
  reconsider: "Ask to reconsider",
  reconsiderOffices: "Which offices",
  reconsiderComment: "A word for the offices (optional)",
  reconsiderExplain: (offices) =>
    `The latest proposal goes again to ${offices}, with your comment. Their previous answer no longer counts.`,
  reconsidered: "The request to reconsider was sent.",
  chooseOffice: "Choose at least one office.",
  settle: "Record the settlement",
  settleExplain:
    "Every creditor accepted. Every notified office receives the settlement, the standstill ends today and the 36-month plan runs.",
  settleWaiting: (offices) => `Not every creditor accepted yet: ${offices}.`,
  settled: "The settlement was recorded.",
  end: "End the dossier",
  terminate: "End the debt help",
  terminateExplain:
    "Every notified office receives the termination with the reason, and the standstill ends today. The dossier stays readable until it is closed.",
  terminated: "The debt help was ended.",
  close: "Close the dossier",
  closeExplain:
    "The dossier closes. A standstill still running ends today. Every notified office not yet told receives a termination with the reason now. The personal data is erased when the retention period (30 days by default) has passed.",
  closed: "The dossier was closed.",
  withdraw: "Withdraw consent",
  withdrawExplain:
    "The person withdraws their consent. Their personal data becomes unreadable at once, for everyone, and is then erased. This cannot be undone.",
  endReason: "Reason (no personal data)",
  transfer: "Move a dossier to another agency",
  transferExplain:
    "The old agency loses access at once; the move is logged. It is refused when the person already has a dossier at the new agency, or the dossier is closed.",
  transferDossier: "Dossier id",
  transferTo: "To agency (id)",
  transferReason: "Reason (the new agency sees it)",
  transferDo: "Move the dossier",
  transferConfirm: (dossier, agency) =>
    `Dossier ${dossier} moves to ${agency}. The current agency can no longer read it from now on.`,
  transferred: (dossier, agency) => `Dossier ${dossier} was moved to ${agency}.`,
  confirm: "Confirm",
  cancel: "Cancel",
  working: "Working…",
  failed: "That did not work. Try again.",
};

const PLAN_TEXTS: Record<Language, PlanTexts> = { nl, fr, en };

export function planTexts(language: Language): PlanTexts {
  return PLAN_TEXTS[language];
}
