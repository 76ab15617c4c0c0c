"""What people read, in Dutch, French and English: message types in words, reasons, dates, and the
labels of the pages the platform shows offices (the link page and its answers).

Kept apart from templates so the emails (per-language templates) and the pages (one template, these
words) name things the same way.
"""

from collections.abc import Mapping
from datetime import date
from types import MappingProxyType
from typing import Final

from respite_core.domain import CreditorClass, Language, MessageType, NoCooperationReason

_L = Language
_M = MessageType

MESSAGE_TYPES: Final[Mapping[Language, Mapping[MessageType, str]]] = MappingProxyType(
    {
        _L.NL: {
            _M.NOTICE: "Kennisgeving van schuldhulpverlening (verzoek tot opschorting)",
            _M.BALANCE_REQUEST: "Saldoverzoek",
            _M.PROPOSAL: "Betaalvoorstel",
            _M.RECONSIDERATION: "Verzoek tot heroverweging",
            _M.SETTLEMENT_AGREED: "Regeling geaccordeerd",
            _M.TERMINATION: "Beëindiging van de schuldhulpverlening",
            _M.STATUS_REQUEST: "Verzoek om een stand van zaken",
            _M.NOTICE_ACK: "Ontvangstbevestiging",
            _M.NO_COOPERATION: "Geen medewerking",
            _M.OBJECTION: "Bezwaar van de opdrachtgever tegen de opschorting",
            _M.NOT_IN_NEED: "Geen hulp nodig volgens ons",
            _M.BALANCE_REPLY: "Saldo-opgave",
            _M.BALANCE_REPLY_PREAPPROVED: "Saldo-opgave met vooraf akkoord",
            _M.PROPOSAL_ACCEPT: "Voorstel aanvaard",
            _M.PROPOSAL_REJECT: "Voorstel afgewezen",
            _M.STATUS_REPORT: "Stand van zaken",
        },
        _L.FR: {
            _M.NOTICE: "Notification de médiation de dettes (demande de suspension)",
            _M.BALANCE_REQUEST: "Demande de décompte",
            _M.PROPOSAL: "Proposition de plan de paiement",
            _M.RECONSIDERATION: "Demande de réexamen",
            _M.SETTLEMENT_AGREED: "Plan accepté",
            _M.TERMINATION: "Fin de la médiation de dettes",
            _M.STATUS_REQUEST: "Demande d'état de la situation",
            _M.NOTICE_ACK: "Accusé de réception",
            _M.NO_COOPERATION: "Pas de collaboration",
            _M.OBJECTION: "Opposition du mandant à la suspension",
            _M.NOT_IN_NEED: "Aide non nécessaire selon nous",
            _M.BALANCE_REPLY: "Décompte",
            _M.BALANCE_REPLY_PREAPPROVED: "Décompte avec accord préalable",
            _M.PROPOSAL_ACCEPT: "Proposition acceptée",
            _M.PROPOSAL_REJECT: "Proposition refusée",
            _M.STATUS_REPORT: "État de la situation",
        },
        _L.EN: {
            _M.NOTICE: "Notice of debt help (standstill requested)",
            _M.BALANCE_REQUEST: "Balance request",
            _M.PROPOSAL: "Payment plan proposal",
            _M.RECONSIDERATION: "Request to reconsider",
            _M.SETTLEMENT_AGREED: "Settlement agreed",
            _M.TERMINATION: "End of the debt help",
            _M.STATUS_REQUEST: "Status request",
            _M.NOTICE_ACK: "Acknowledgement",
            _M.NO_COOPERATION: "No cooperation",
            _M.OBJECTION: "The principal objects to the standstill",
            _M.NOT_IN_NEED: "We believe no help is needed",
            _M.BALANCE_REPLY: "Balance",
            _M.BALANCE_REPLY_PREAPPROVED: "Balance, any plan accepted in advance",
            _M.PROPOSAL_ACCEPT: "Proposal accepted",
            _M.PROPOSAL_REJECT: "Proposal rejected",
            _M.STATUS_REPORT: "Status report",
        },
    }
)

NO_COOPERATION_REASONS: Final[Mapping[Language, Mapping[NoCooperationReason, str]]] = MappingProxyType(
    {
        _L.NL: {
            NoCooperationReason.UNKNOWN_PERSON: "Persoon onbekend bij ons",
            NoCooperationReason.RECENT_DISCHARGE: "Recent kwijtschelding of aanzuivering",
            NoCooperationReason.RECENT_ATTEMPT: "Recent al een poging tot regeling",
            NoCooperationReason.REFUSES_AGENCY: "Wij werken niet samen met deze instantie",
        },
        _L.FR: {
            NoCooperationReason.UNKNOWN_PERSON: "Personne inconnue chez nous",
            NoCooperationReason.RECENT_DISCHARGE: "Remise de dettes récente",
            NoCooperationReason.RECENT_ATTEMPT: "Tentative de règlement récente",
            NoCooperationReason.REFUSES_AGENCY: "Nous ne collaborons pas avec ce service",
        },
        _L.EN: {
            NoCooperationReason.UNKNOWN_PERSON: "Person unknown to us",
            NoCooperationReason.RECENT_DISCHARGE: "Recent discharge",
            NoCooperationReason.RECENT_ATTEMPT: "A recent attempt at a settlement",
            NoCooperationReason.REFUSES_AGENCY: "We do not work with this agency",
        },
    }
)

CREDITOR_CLASSES: Final[Mapping[Language, Mapping[CreditorClass, str]]] = MappingProxyType(
    {
        _L.NL: {CreditorClass.ORDINARY: "Gewoon", CreditorClass.PREFERENTIAL: "Preferent"},
        _L.FR: {CreditorClass.ORDINARY: "Ordinaire", CreditorClass.PREFERENTIAL: "Privilégiée"},
        _L.EN: {CreditorClass.ORDINARY: "Ordinary", CreditorClass.PREFERENTIAL: "Preferential"},
    }
)

_MONTHS: Final[Mapping[Language, tuple[str, ...]]] = MappingProxyType(
    {
        _L.NL: (
            "januari",
            "februari",
            "maart",
            "april",
            "mei",
            "juni",
            "juli",
            "augustus",
            "september",
            "oktober",
            "november",
            "december",
        ),
        _L.FR: (
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ),
        _L.EN: (
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ),
    }
)


def long_date(day: date, language: Language) -> str:
    """ "20 mei 2026", "20 mai 2026", "20 May 2026"."""
    return f"{day.day} {_MONTHS[language][day.month - 1]} {day.year}"


def language_or_default(text: str | None, default: Language = Language.EN) -> Language:
    try:
        return Language((text or "").strip().lower())
    except ValueError:
        return default


# --- the link page and its answers ----------------------------------------------------------------

PAGE: Final[Mapping[Language, Mapping[str, str]]] = MappingProxyType(
    {
        _L.NL: {
            "title": "Verzoek van {agency}",
            "intro": (
                "Deze pagina hoort bij één verzoek dat {agency} via Respite aan {office} stuurde. "
                "U kunt het hier lezen en beantwoorden; uw antwoord komt meteen in het dossier."
            ),
            "languages": "Taal",
            "request": "Het verzoek",
            "type": "Soort",
            "agency": "Van",
            "dossier": "Dossierreferentie",
            "sent_on": "Verstuurd op",
            "due_on": "Antwoord verwacht uiterlijk op",
            "no_reply_expected": "Dit bericht vraagt geen antwoord.",
            "details": "Inhoud",
            "person": "De persoon",
            "name": "Naam",
            "birth_date": "Geboortedatum",
            "address": "Adres",
            "national_number": "Rijksregisternummer / BSN",
            "answer": "Uw antwoord",
            "reply_type": "Soort antwoord",
            "reason": "Reden (alleen bij geen medewerking)",
            "reason_none": "— geen —",
            "rejection_reason": "Reden van de weigering (alleen bij weigering van het voorstel)",
            "file_references": "Uw dossiernummers (één per regel)",
            "claims": "Vorderingen",
            "claims_hint": (
                "Alleen bij een ontvangstbevestiging of saldo-opgave. Bedragen in euro, met komma of "
                "punt (bijvoorbeeld 812,40). Lege rijen worden genegeerd."
            ),
            "claim_n": "Vordering {n}",
            "office_reference": "Uw referentie",
            "principal_creditor": "Opdrachtgever",
            "creditor_class": "Rang",
            "principal": "Hoofdsom (€)",
            "interest": "Interesten (€)",
            "costs": "Kosten (€)",
            "paid": "Reeds betaald (€)",
            "outstanding": "Openstaand",
            "comment": "Opmerking",
            "attachment": "Bijlage (PDF, JPEG of PNG, hoogstens 5 MB)",
            "attachment_limit": "Met het antwoord zelf gaat een bijlage tot 4 MB mee.",
            "large_attachment": "Groter bestand (meer dan 4 MB, hoogstens 5 MB)",
            "large_attachment_hint": (
                "Laad een bestand van meer dan 4 MB eerst hier op; u komt dan terug op deze pagina "
                "en verstuurt uw antwoord zoals gewoonlijk."
            ),
            "file_type": "Bestandstype",
            "large_file": "Bestand (PDF, JPEG of PNG)",
            "upload": "Bestand opladen",
            "upload_ready": "Uw bestand is opgeladen en gaat mee met uw antwoord.",
            "inline_too_large": "groter dan 4 MB: laad het op met het formulier voor grotere bestanden.",
            "submit": "Antwoord versturen",
            "answered": "Dit verzoek is beantwoord op {day}.",
            "your_answer": "Uw antwoord",
            "your_claims": "Uw vorderingen in dit dossier",
            "attachment_received": "Bijlage ontvangen ({size} kB)",
            "thanks": "Dank u. Uw antwoord staat in het dossier; de maatschappelijk werker ziet het meteen.",
            "privacy": (
                "Deze pagina toont persoonsgegevens om uw dossier te kunnen vinden. Deel de link niet. "
                "Ze vervalt op {day}."
            ),
            "not_accepted": "Uw antwoord werd niet aanvaard",
            "fix_and_resend": "Ga terug naar het formulier, verbeter het volgende en verstuur opnieuw:",
            "back": "Terug naar het verzoek",
            "already_answered": "Dit verzoek is al beantwoord.",
            "no_replies": "Het dossier neemt geen antwoorden meer aan.",
            "not_this_request": "Deze link opent dat verzoek niet.",
            "too_large": "Het formulier is te groot (een bijlage mag hoogstens 5 MB zijn).",
            "field_required": "Verplicht.",
            "field_amount": "Geen bedrag: gebruik cijfers met hoogstens twee decimalen (812,40).",
            "field_too_large": "Bedrag te groot: hoogstens 9.999.999.999.999,99.",
            "field_overpaid": "Meer betaald dan hoofdsom, interesten en kosten samen.",
            "field_choice": "Kies een van de voorgestelde waarden.",
            "reply_not_allowed": "Dit soort antwoord past niet bij dit verzoek.",
            "no_claims_here": "Dit soort antwoord draagt geen vorderingen.",
            "duplicate_reference": "Dezelfde referentie staat twee keer in het antwoord.",
            "reason_required": "Geef een reden bij geen medewerking, en alleen dan.",
            "invalid_document": "De bijlage is geen geldige PDF, JPEG of PNG van hoogstens 5 MB.",
        },
        _L.FR: {
            "title": "Demande de {agency}",
            "intro": (
                "Cette page concerne une seule demande que {agency} a envoyée à {office} via Respite. "
                "Vous pouvez la lire et y répondre ici ; votre réponse arrive aussitôt dans le dossier."
            ),
            "languages": "Langue",
            "request": "La demande",
            "type": "Type",
            "agency": "De",
            "dossier": "Référence du dossier",
            "sent_on": "Envoyée le",
            "due_on": "Réponse attendue au plus tard le",
            "no_reply_expected": "Ce message n'appelle pas de réponse.",
            "details": "Contenu",
            "person": "La personne",
            "name": "Nom",
            "birth_date": "Date de naissance",
            "address": "Adresse",
            "national_number": "Numéro de registre national / BSN",
            "answer": "Votre réponse",
            "reply_type": "Type de réponse",
            "reason": "Motif (uniquement en cas de refus de collaborer)",
            "reason_none": "— aucun —",
            "rejection_reason": "Motif du refus (uniquement en cas de refus de la proposition)",
            "file_references": "Vos numéros de dossier (un par ligne)",
            "claims": "Créances",
            "claims_hint": (
                "Uniquement avec un accusé de réception ou un décompte. Montants en euros, avec virgule "
                "ou point (par exemple 812,40). Les lignes vides sont ignorées."
            ),
            "claim_n": "Créance {n}",
            "office_reference": "Votre référence",
            "principal_creditor": "Mandant",
            "creditor_class": "Rang",
            "principal": "Principal (€)",
            "interest": "Intérêts (€)",
            "costs": "Frais (€)",
            "paid": "Déjà payé (€)",
            "outstanding": "Solde",
            "comment": "Remarque",
            "attachment": "Pièce jointe (PDF, JPEG ou PNG, 5 Mo au plus)",
            "attachment_limit": "Avec la réponse même, une pièce jointe de 4 Mo au plus est envoyée.",
            "large_attachment": "Fichier plus volumineux (plus de 4 Mo, 5 Mo au plus)",
            "large_attachment_hint": (
                "Téléversez d'abord ici un fichier de plus de 4 Mo ; vous revenez ensuite sur cette page "
                "et envoyez votre réponse comme d'habitude."
            ),
            "file_type": "Type de fichier",
            "large_file": "Fichier (PDF, JPEG ou PNG)",
            "upload": "Téléverser le fichier",
            "upload_ready": "Votre fichier est téléversé et sera joint à votre réponse.",
            "inline_too_large": "plus de 4 Mo : téléversez-le avec le formulaire des fichiers volumineux.",
            "submit": "Envoyer la réponse",
            "answered": "Il a été répondu à cette demande le {day}.",
            "your_answer": "Votre réponse",
            "your_claims": "Vos créances dans ce dossier",
            "attachment_received": "Pièce jointe reçue ({size} ko)",
            "thanks": "Merci. Votre réponse est dans le dossier ; l'assistant social la voit aussitôt.",
            "privacy": (
                "Cette page montre des données personnelles pour retrouver votre dossier. Ne partagez pas "
                "le lien. Il expire le {day}."
            ),
            "not_accepted": "Votre réponse n'a pas été acceptée",
            "fix_and_resend": "Revenez au formulaire, corrigez ce qui suit et envoyez à nouveau :",
            "back": "Retour à la demande",
            "already_answered": "Il a déjà été répondu à cette demande.",
            "no_replies": "Le dossier n'accepte plus de réponses.",
            "not_this_request": "Ce lien n'ouvre pas cette demande.",
            "too_large": "Le formulaire est trop volumineux (une pièce jointe fait au plus 5 Mo).",
            "field_required": "Obligatoire.",
            "field_amount": "Pas un montant : des chiffres avec au plus deux décimales (812,40).",
            "field_too_large": "Montant trop élevé : au plus 9.999.999.999.999,99.",
            "field_overpaid": "Plus payé que le principal, les intérêts et les frais ensemble.",
            "field_choice": "Choisissez une des valeurs proposées.",
            "reply_not_allowed": "Ce type de réponse ne correspond pas à cette demande.",
            "no_claims_here": "Ce type de réponse ne comporte pas de créances.",
            "duplicate_reference": "La même référence figure deux fois dans la réponse.",
            "reason_required": "Indiquez un motif en cas de refus de collaborer, et seulement alors.",
            "invalid_document": "La pièce jointe n'est pas un PDF, JPEG ou PNG valide de 5 Mo au plus.",
        },
        _L.EN: {
            "title": "Request from {agency}",
            "intro": (
                "This page belongs to one request that {agency} sent to {office} through Respite. "
                "You can read and answer it here; your answer goes straight into the dossier."
            ),
            "languages": "Language",
            "request": "The request",
            "type": "Type",
            "agency": "From",
            "dossier": "Dossier reference",
            "sent_on": "Sent on",
            "due_on": "Answer expected by",
            "no_reply_expected": "This message expects no answer.",
            "details": "Content",
            "person": "The person",
            "name": "Name",
            "birth_date": "Date of birth",
            "address": "Address",
            "national_number": "National number / BSN",
            "answer": "Your answer",
            "reply_type": "Type of answer",
            "reason": "Reason (no cooperation only)",
            "reason_none": "— none —",
            "rejection_reason": "Why you reject it (rejection of the proposal only)",
            "file_references": "Your file numbers (one per line)",
            "claims": "Claims",
            "claims_hint": (
                "Only with an acknowledgement or a balance. Amounts in euros, with a comma or a point "
                "(for example 812.40). Empty rows are ignored."
            ),
            "claim_n": "Claim {n}",
            "office_reference": "Your reference",
            "principal_creditor": "Principal creditor",
            "creditor_class": "Class",
            "principal": "Principal (€)",
            "interest": "Interest (€)",
            "costs": "Costs (€)",
            "paid": "Paid already (€)",
            "outstanding": "Outstanding",
            "comment": "Comment",
            "attachment": "Attachment (PDF, JPEG or PNG, at most 5 MB)",
            "attachment_limit": "An attachment of up to 4 MB goes with the answer itself.",
            "large_attachment": "Larger file (over 4 MB, at most 5 MB)",
            "large_attachment_hint": (
                "Upload a file of more than 4 MB here first; you then come back to this page and send "
                "your answer as usual."
            ),
            "file_type": "File type",
            "large_file": "File (PDF, JPEG or PNG)",
            "upload": "Upload the file",
            "upload_ready": "Your file is uploaded and goes with your answer.",
            "inline_too_large": "over 4 MB: upload it with the form for larger files.",
            "submit": "Send the answer",
            "answered": "This request was answered on {day}.",
            "your_answer": "Your answer",
            "your_claims": "Your claims in this dossier",
            "attachment_received": "Attachment received ({size} kB)",
            "thanks": "Thank you. Your answer is in the dossier; the caseworker sees it at once.",
            "privacy": (
                "This page shows personal data so that you can find your file. Do not share the link. "
                "It expires on {day}."
            ),
            "not_accepted": "Your answer was not accepted",
            "fix_and_resend": "Go back to the form, correct the following and send it again:",
            "back": "Back to the request",
            "already_answered": "This request is answered already.",
            "no_replies": "The dossier takes no more answers.",
            "not_this_request": "This link does not open that request.",
            "too_large": "The form is too large (an attachment may be 5 MB at most).",
            "field_required": "Required.",
            "field_amount": "Not an amount: use digits with at most two decimals (812.40).",
            "field_too_large": "Amount too large: at most 9,999,999,999,999.99.",
            "field_overpaid": "More paid than principal, interest and costs together.",
            "field_choice": "Choose one of the values offered.",
            "reply_not_allowed": "This type of answer does not fit this request.",
            "no_claims_here": "This type of answer carries no claims.",
            "duplicate_reference": "The same reference appears twice in the answer.",
            "reason_required": "Give a reason with no cooperation, and only then.",
            "invalid_document": "The attachment is not a valid PDF, JPEG or PNG of at most 5 MB.",
        },
    }
)

# A page for a link that opens nothing tells which link it is not, in every language, and nothing
# else: not whose it was, not which agency, not whether it ever existed.
LINK_NOT_VALID: Final = (
    (_L.NL, "Deze link is niet geldig", "Controleer of u de volledige link uit de e-mail gebruikte."),
    (_L.FR, "Ce lien n'est pas valable", "Vérifiez que vous avez utilisé le lien complet de l'e-mail."),
    (_L.EN, "This link is not valid", "Check that you used the whole link from the email."),
)
LINK_GONE: Final = (
    (
        _L.NL,
        "Deze link is niet meer geldig",
        "Links vervallen na een tijd of worden ingetrokken. Neem contact op met de afzender van de e-mail.",
    ),
    (
        _L.FR,
        "Ce lien n'est plus valable",
        "Les liens expirent après un temps ou sont révoqués. Contactez l'expéditeur de l'e-mail.",
    ),
    (
        _L.EN,
        "This link is no longer valid",
        "Links expire after a while or are revoked. Contact the sender of the email.",
    ),
)

# the parts of a request's body a page shows, by key
DETAILS: Final[Mapping[Language, Mapping[str, str]]] = MappingProxyType(
    {
        _L.NL: {
            "standstill": "Opschorting van de uitvoering gevraagd",
            "standstill_ends_on": "Opschorting tot en met",
            "kind": "Soort plan",
            "instalments": "Afbetaling over 36 maanden",
            "buy_out": "Eenmalige afkoop",
            "outstanding": "Openstaand",
            "offered": "Aangeboden",
            "monthly": "Per maand (eerste maand)",
            "reason": "Reden",
            "comment": "Opmerking",
            "budget_document": "Budgetberekening bijgevoegd",
            "budget_download": "Downloaden (PDF, {size} kB)",
        },
        _L.FR: {
            "standstill": "Suspension de l'exécution demandée",
            "standstill_ends_on": "Suspension jusqu'au",
            "kind": "Type de plan",
            "instalments": "Remboursement en 36 mois",
            "buy_out": "Rachat unique",
            "outstanding": "Solde",
            "offered": "Offert",
            "monthly": "Par mois (premier mois)",
            "reason": "Motif",
            "comment": "Remarque",
            "budget_document": "Calcul budgétaire joint",
            "budget_download": "Télécharger (PDF, {size} Ko)",
        },
        _L.EN: {
            "standstill": "Standstill of enforcement requested",
            "standstill_ends_on": "Standstill until",
            "kind": "Kind of plan",
            "instalments": "Instalments over 36 months",
            "buy_out": "One-off buy-out",
            "outstanding": "Outstanding",
            "offered": "Offered",
            "monthly": "Per month (first month)",
            "reason": "Reason",
            "comment": "Comment",
            "budget_document": "Budget calculation attached",
            "budget_download": "Download (PDF, {size} KB)",
        },
    }
)
