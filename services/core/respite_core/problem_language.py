"""Problems in the caller's language: Dutch, French or English, as `Accept-Language` asks.

Every problem is raised in English (`respite_core.api.Problem`); it is put into the caller's language
where it is rendered, and only there, from this catalogue: a title per status, and each detail keyed
by its English text. A detail that names something (offices, a purpose, a state) is a template whose
`{names}` stand for what varies; what they stand for is kept as it is (ids and codes are not
translated). A detail the catalogue does not hold leaves the whole problem in English, and the
answer's `Content-Language` says so: a problem is never half in one language.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Final

from respite_core.domain import Language

DEFAULT_LANGUAGE: Final = Language.EN


def preferred_language(accept_language: str | None) -> Language:
    """The language of ours the caller prefers most (RFC 9110 §12.5.4): ranges by weight (`q`, 1 when
    absent; 0 means "not this"), equal weights in the order given; `nl-BE` asks for Dutch; `*` or
    nothing we have gives English."""
    ranked: list[tuple[float, int, Language]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, *parameters = (piece.strip() for piece in part.split(";"))
        weight = _weight(parameters)
        primary = tag.lower().split("-", 1)[0]
        if weight > 0 and (primary in _OURS or primary == "*"):
            ranked.append((-weight, position, _OURS.get(primary, DEFAULT_LANGUAGE)))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE


_OURS: Final = {language.value: language for language in Language}


def _weight(parameters: list[str]) -> float:
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                weight = float(value)
            except ValueError:
                return 0.0
            return weight if 0.0 <= weight <= 1.0 else 0.0
    return 1.0


@dataclass(frozen=True)
class Wording:
    """One text in our three languages; `{name}`s stand for what varies."""

    en: str
    nl: str
    fr: str

    def is_in(self, language: Language) -> str:
        return {Language.EN: self.en, Language.NL: self.nl, Language.FR: self.fr}[language]


TITLES: Final[Mapping[int, Wording]] = MappingProxyType(
    {
        400: Wording("Bad request", "Ongeldig verzoek", "Requête incorrecte"),
        401: Wording("Unauthorized", "Niet aangemeld", "Non authentifié"),
        403: Wording("Forbidden", "Niet toegestaan", "Interdit"),
        404: Wording("Not found", "Niet gevonden", "Introuvable"),
        405: Wording("Method not allowed", "Methode niet toegestaan", "Méthode non autorisée"),
        409: Wording("Conflict", "Conflict", "Conflit"),
        410: Wording("Gone", "Verdwenen", "Supprimé"),
        413: Wording("Content too large", "Inhoud te groot", "Contenu trop volumineux"),
        415: Wording(
            "Unsupported media type", "Mediatype niet ondersteund", "Type de média non pris en charge"
        ),
        422: Wording("Unprocessable content", "Onverwerkbare inhoud", "Contenu non traitable"),
        429: Wording("Too many requests", "Te veel verzoeken", "Trop de requêtes"),
        500: Wording("Internal server error", "Interne serverfout", "Erreur interne du serveur"),
    }
)

_W = Wording

DETAILS: Final[tuple[Wording, ...]] = (
    # --- the request itself
    _W("There is no request to read.", "Er is geen verzoek om te lezen.", "Il n'y a pas de requête à lire."),
    _W("The request is malformed.", "Het verzoek is misvormd.", "La requête est mal formée."),
    _W(
        "The request could not be completed.",
        "Het verzoek kon niet worden afgewerkt.",
        "La requête n'a pas pu aboutir.",
    ),
    _W(
        "This method is not allowed on this resource.",
        "Deze methode is op deze bron niet toegestaan.",
        "Cette méthode n'est pas autorisée sur cette ressource.",
    ),
    _W(
        "Send the body as application/json.",
        "Stuur de inhoud als application/json.",
        "Envoyez le corps en application/json.",
    ),
    _W(
        "Send the claims as text/csv.",
        "Stuur de vorderingen als text/csv.",
        "Envoyez les créances en text/csv.",
    ),
    _W(
        "The file has no valid row: nothing is stored and the request is not answered.",
        "Het bestand heeft geen geldige rij: er is niets opgeslagen en het verzoek is niet beantwoord.",
        "Le fichier n'a aucune ligne valide : rien n'est enregistré et la demande reste sans réponse.",
    ),
    _W(
        "The body is not valid JSON.", "De inhoud is geen geldige JSON.", "Le corps n'est pas du JSON valide."
    ),
    _W(
        "The body is larger than {limit} bytes.",
        "De inhoud is groter dan {limit} bytes.",
        "Le corps dépasse {limit} octets.",
    ),
    _W(
        "The body does not describe a valid request.",
        "De inhoud beschrijft geen geldig verzoek.",
        "Le corps ne décrit pas une requête valide.",
    ),
    _W(
        "The query parameters are not valid.",
        "De queryparameters zijn ongeldig.",
        "Les paramètres de requête ne sont pas valides.",
    ),
    _W(
        "the cursor is not one this API gave out",
        "deze cursor komt niet van deze API",
        "ce curseur n'a pas été délivré par cette API",
    ),
    _W(
        "the cursor belongs to another listing",
        "de cursor hoort bij een andere lijst",
        "le curseur appartient à une autre liste",
    ),
    _W(
        "the cursor belongs to another dossier's log",
        "de cursor hoort bij het logboek van een ander dossier",
        "le curseur appartient au journal d'un autre dossier",
    ),
    # --- who calls
    _W(
        "A caseworker token is required.",
        "Een token van een hulpverlener is vereist.",
        "Un jeton d'assistant social est requis.",
    ),
    _W(
        "An office system's access token is required.",
        "Een toegangstoken van het systeem van een kantoor is vereist.",
        "Un jeton d'accès du système d'une étude est requis.",
    ),
    _W(
        "Only the people of one office may do this.",
        "Alleen de medewerkers van één kantoor mogen dit.",
        "Seuls les collaborateurs d'une étude peuvent le faire.",
    ),
    _W(
        "The token lacks the scope {scope}.",
        "Het token mist de scope {scope}.",
        "Le jeton n'a pas la portée {scope}.",
    ),
    _W("Your role may not do this.", "Uw rol mag dit niet.", "Votre rôle ne le permet pas."),
    _W(
        "Your role may not claim the purpose {purpose}.",
        "Uw rol mag het doel {purpose} niet inroepen.",
        "Votre rôle ne peut pas invoquer la finalité {purpose}.",
    ),
    _W(
        "This client is not linked to an office.",
        "Deze client is aan geen kantoor gekoppeld.",
        "Ce client n'est lié à aucune étude.",
    ),
    # --- Idempotency-Key
    _W(
        "The Idempotency-Key must be 1 to 255 printable ASCII characters.",
        "De Idempotency-Key moet uit 1 tot 255 afdrukbare ASCII-tekens bestaan.",
        "L'Idempotency-Key doit compter de 1 à 255 caractères ASCII imprimables.",
    ),
    _W(
        "This Idempotency-Key was used for a different request.",
        "Deze Idempotency-Key werd voor een ander verzoek gebruikt.",
        "Cette Idempotency-Key a servi pour une autre requête.",
    ),
    _W(
        "A request with this Idempotency-Key is still being processed.",
        "Een verzoek met deze Idempotency-Key wordt nog verwerkt.",
        "Une requête avec cette Idempotency-Key est encore en cours de traitement.",
    ),
    _W(
        "This request was done already. Its answer held secrets, which are shown only once and never "
        "kept: issue new ones (e.g. rotate the webhook secret) if they were lost.",
        "Dit verzoek werd al uitgevoerd. Het antwoord bevatte geheimen, die maar één keer worden getoond "
        "en nooit bewaard: maak nieuwe aan (bv. vervang het webhookgeheim) als ze verloren zijn.",
        "Cette requête a déjà été exécutée. Sa réponse contenait des secrets, montrés une seule fois et "
        "jamais conservés : créez-en de nouveaux (p. ex. renouvelez le secret du webhook) s'ils sont perdus.",
    ),
    # --- dossiers
    _W(
        "No dossier with this id at your agency.",
        "Geen dossier met dit id bij uw dienst.",
        "Aucun dossier avec cet id dans votre service.",
    ),
    _W("No dossier with this id.", "Geen dossier met dit id.", "Aucun dossier avec cet id."),
    _W(
        "This person already has a dossier at your agency.",
        "Deze persoon heeft al een dossier bij uw dienst.",
        "Cette personne a déjà un dossier dans votre service.",
    ),
    _W(
        "The person already has a dossier at that agency, or this one changed meanwhile.",
        "De persoon heeft al een dossier bij die dienst, of dit dossier is intussen gewijzigd.",
        "La personne a déjà un dossier dans ce service, ou celui-ci a changé entre-temps.",
    ),
    _W("There is no such agency.", "Die dienst bestaat niet.", "Ce service n'existe pas."),
    _W(
        "the dossier is already at that agency",
        "het dossier is al bij die dienst",
        "le dossier est déjà dans ce service",
    ),
    _W(
        "The dossier's agency is not in the directory.",
        "De dienst van het dossier staat niet in de gids.",
        "Le service du dossier n'est pas dans l'annuaire.",
    ),
    _W(
        "The dossier changed meanwhile. Read it again.",
        "Het dossier is intussen gewijzigd. Lees het opnieuw.",
        "Le dossier a changé entre-temps. Relisez-le.",
    ),
    _W(
        "The dossier changed meanwhile; its data key is destroyed. Try again.",
        "Het dossier is intussen gewijzigd; zijn gegevenssleutel is vernietigd. Probeer opnieuw.",
        "Le dossier a changé entre-temps ; sa clé de données est détruite. Réessayez.",
    ),
    _W(
        "event {event} is not allowed in dossier state {state}",
        "gebeurtenis {event} is niet toegestaan in dossierstand {state}",
        "l'événement {event} n'est pas permis dans l'état de dossier {state}",
    ),
    _W(
        "Consent was withdrawn: this dossier's personal data is erased.",
        "De toestemming werd ingetrokken: de persoonsgegevens van dit dossier zijn gewist.",
        "Le consentement a été retiré : les données personnelles de ce dossier sont effacées.",
    ),
    _W(
        "This dossier's personal data is erased.",
        "De persoonsgegevens van dit dossier zijn gewist.",
        "Les données personnelles de ce dossier sont effacées.",
    ),
    _W(
        "This dossier's consent record is erased.",
        "Het bewijs van toestemming van dit dossier is gewist.",
        "La preuve de consentement de ce dossier est effacée.",
    ),
    _W(
        "No such document in this dossier.",
        "Geen zulk document in dit dossier.",
        "Pas de tel document dans ce dossier.",
    ),
    _W(
        "No such document with this message.",
        "Geen zulk document bij dit bericht.",
        "Pas de tel document avec ce message.",
    ),
    _W(
        "No erasure of a dossier with this id.",
        "Geen wissing van een dossier met dit id.",
        "Aucun effacement d'un dossier avec cet id.",
    ),
    # --- consent
    _W(
        "no consent text version {version}",
        "geen toestemmingstekst in versie {version}",
        "pas de texte de consentement en version {version}",
    ),
    _W(
        "There is no consent text of this version.",
        "Er is geen toestemmingstekst in deze versie.",
        "Il n'y a pas de texte de consentement dans cette version.",
    ),
    _W(
        "consent cannot be given in the future",
        "toestemming kan niet in de toekomst gegeven zijn",
        "le consentement ne peut pas être donné dans le futur",
    ),
    _W(
        "consent must be registered within 30 days of being given",
        "toestemming moet binnen 30 dagen nadat ze gegeven is worden geregistreerd",
        "le consentement doit être enregistré dans les 30 jours où il a été donné",
    ),
    # --- offices and messages
    _W("Unknown offices: {offices}.", "Onbekende kantoren: {offices}.", "Études inconnues : {offices}."),
    _W("No such office.", "Dat kantoor bestaat niet.", "Cette étude n'existe pas."),
    _W(
        "An office with this id exists.",
        "Er bestaat al een kantoor met dit id.",
        "Une étude avec cet id existe déjà.",
    ),
    _W(
        "At most {limit} offices in one step: name them in turns.",
        "Ten hoogste {limit} kantoren per stap: noem ze in beurten.",
        "Au plus {limit} études par étape : nommez-les en plusieurs fois.",
    ),
    _W(
        "These offices were not notified: {offices}.",
        "Deze kantoren werden niet op de hoogte gebracht: {offices}.",
        "Ces études n'ont pas été notifiées : {offices}.",
    ),
    _W(
        "Record the meter readings for these utility creditors first: {offices}.",
        "Noteer eerst de meterstanden voor deze nutsbedrijven: {offices}.",
        "Enregistrez d'abord les relevés de compteur pour ces fournisseurs : {offices}.",
    ),
    _W(
        "{office} is not a utility: it takes no meter readings.",
        "{office} is geen nutsbedrijf: het krijgt geen meterstanden.",
        "{office} n'est pas un fournisseur d'énergie ou d'eau : il ne reçoit pas de relevés de compteur.",
    ),
    _W(
        "Meter readings must be of the last year, not of a day to come.",
        "Meterstanden moeten van het voorbije jaar zijn, niet van een dag die nog moet komen.",
        "Les relevés de compteur doivent dater de l'année écoulée, pas d'un jour à venir.",
    ),
    _W(
        "the dossier is {state}: readings go with a settlement to come",
        "het dossier is {state}: meterstanden horen bij een regeling die nog moet komen",
        "le dossier est {state} : les relevés accompagnent un règlement à venir",
    ),
    _W(
        "This office did not object to the standstill.",
        "Dit kantoor maakte geen bezwaar tegen de opschorting.",
        "Cette étude ne s'est pas opposée à la suspension.",
    ),
    _W(
        "This objection is resolved already.",
        "Dit bezwaar is al afgehandeld.",
        "Cette opposition est déjà résolue.",
    ),
    _W(
        "This webhook URL cannot be used: it must be https, to a public host, with no credentials in it.",
        "Deze webhook-URL kan niet gebruikt worden: hij moet https zijn, naar een publieke host, zonder "
        "inloggegevens erin.",
        "Cette URL de webhook ne peut pas être utilisée : elle doit être en https, vers un hôte public, "
        "sans identifiants.",
    ),
    _W(
        "No such document with this message.",
        "Geen zulk document bij dit bericht.",
        "Pas de tel document avec ce message.",
    ),
    _W(
        "These offices need the budget calculation PDF: {offices}.",
        "Deze kantoren hebben de budgetberekening als PDF nodig: {offices}.",
        "Ces études ont besoin du calcul budgétaire en PDF : {offices}.",
    ),
    _W(
        "Only an office that received a proposal can be asked to reconsider.",
        "Alleen een kantoor dat een voorstel kreeg, kan om heroverweging worden gevraagd.",
        "Seule une étude qui a reçu une proposition peut être priée de la reconsidérer.",
    ),
    _W(
        "Not every creditor agreed: {offices}.",
        "Niet elke schuldeiser ging akkoord: {offices}.",
        "Tous les créanciers n'ont pas accepté : {offices}.",
    ),
    _W(
        "No such message for your office.",
        "Geen zulk bericht voor uw kantoor.",
        "Pas de tel message pour votre étude.",
    ),
    _W(
        "This message is not in your inbox (acknowledged already?).",
        "Dit bericht staat niet in uw inbox (al bevestigd?).",
        "Ce message n'est pas dans votre boîte de réception (déjà confirmé ?).",
    ),
    _W(
        "This request is answered already.",
        "Dit verzoek is al beantwoord.",
        "Cette demande a déjà reçu une réponse.",
    ),
    _W(
        "The same office_reference appears twice.",
        "Dezelfde office_reference komt twee keer voor.",
        "La même office_reference figure deux fois.",
    ),
    _W(
        "A {type} carries no claims.",
        "Een {type} bevat geen vorderingen.",
        "Un {type} ne porte pas de créances.",
    ),
    _W(
        "Claims do not answer a {type}.",
        "Vorderingen beantwoorden geen {type}.",
        "Des créances ne répondent pas à un {type}.",
    ),
    _W(
        "the dossier is {state}: it takes no replies",
        "het dossier is {state}: het neemt geen antwoorden aan",
        "le dossier est {state} : il n'accepte pas de réponses",
    ),
    _W(
        "At most {limit} lookups an hour.",
        "Ten hoogste {limit} opzoekingen per uur.",
        "Au plus {limit} recherches par heure.",
    ),
    # --- notifications
    _W(
        "No such item in your agency's feed.",
        "Geen zulk item in de feed van uw dienst.",
        "Pas de tel élément dans le fil de votre service.",
    ),
    _W("No such webhook delivery.", "Geen zulke webhooklevering.", "Pas de telle livraison de webhook."),
    _W(
        "The office's webhook endpoint is disabled or missing: enable it first.",
        "Het webhookadres van het kantoor is uitgeschakeld of ontbreekt: schakel het eerst in.",
        "L'adresse de webhook de l'étude est désactivée ou absente : activez-la d'abord.",
    ),
    _W("The message no longer exists.", "Het bericht bestaat niet meer.", "Le message n'existe plus."),
)
"""Every detail we translate, by its English text (which the code raises)."""


def title(status: int, language: Language) -> str:
    wording = TITLES.get(status)
    return wording.is_in(language) if wording else "Error"


def detail_in(detail: str, language: Language) -> str | None:
    """The detail in `language` (what its `{names}` stood for kept as it is); None when the catalogue
    does not hold it."""
    if language is Language.EN:
        return detail
    exact = _exact().get(detail)
    if exact is not None:
        return exact.is_in(language)
    for pattern, wording in _templates():
        found = pattern.fullmatch(detail)
        if found:
            return wording.is_in(language).format(**found.groupdict())
    return None


@cache
def _exact() -> Mapping[str, Wording]:
    return {w.en: w for w in DETAILS if "{" not in w.en}


_NAME = re.compile(r"\{(\w+)\}")


@cache
def _templates() -> tuple[tuple[re.Pattern[str], Wording], ...]:
    """Each template's English text as a pattern whose groups catch what its `{names}` stand for."""
    return tuple(
        (
            re.compile(
                _NAME.sub(
                    lambda m: f"(?P<{m[1]}>.+?)", re.escape(w.en).replace(r"\{", "{").replace(r"\}", "}")
                )
            ),
            w,
        )
        for w in DETAILS
        if "{" in w.en
    )
