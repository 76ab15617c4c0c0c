"""What the consent API accepts and answers (the stored shapes live in `store`)."""

import re
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, JsonValue

from respite_core.access_log import Action, ActorRole, Purpose
from respite_core.creditor_records import CreditorStandstill, UtilityReadings
from respite_core.domain import (
    Address,
    AgencyReference,
    ConsentChannel,
    CreditorClass,
    DebtorIdentity,
    Direction,
    Dossier,
    DossierState,
    Enforcement,
    EntityId,
    Language,
    MessageType,
    OfficeKind,
    ShortText,
    Title,
    UtcDatetime,
)
from respite_core.erasure import ErasureReceipt
from respite_core.store.documents import DocumentType
from respite_core.totals import Amounts


class Request(BaseModel):
    """A request body: unknown fields are refused, values never echoed in errors."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- registering --------------------------------------------------------------------------------


class ConsentGiven(Request):
    """The consent the caseworker captured: which text, in which language, how, and when."""

    text_version: str = Field(min_length=1, max_length=20, examples=["v1"])
    language: Language
    channel: ConsentChannel
    given_at: UtcDatetime | None = Field(default=None, description="when the person consented; default: now")


class RegisterDossier(Request):
    """Register a person who asked for debt help, with their consent; opens their dossier."""

    person: DebtorIdentity
    consent: ConsentGiven
    agency_reference: AgencyReference | None = Field(
        default=None, description="the agency's own file number (no names: it is shown in lists)"
    )


class ConsentReceipt(Answer):
    """What the person is handed as proof of their consent (and of its withdrawal): the text they
    agreed to (its version, language, SHA-256 — the hash the evidence records — and the words), how
    and when they gave it, at which agency, for which dossier. It names nobody: the person keeps it."""

    dossier_id: str
    agency_id: str
    agency_name: str
    text_version: str
    language: Language
    text_sha256: str
    text: str
    channel: ConsentChannel
    given_at: datetime
    registered_at: datetime
    awaiting_signed_form: bool = Field(
        description="consent on a paper form whose signed copy is not added yet: no office is told till it is"
    )
    signed_form_added_at: datetime | None = None
    withdrawn_at: datetime | None = None
    pdf: str = Field(description="the receipt as a PDF in the person's language (while the dossier lives)")


class DossierRegistered(Answer):
    dossier_id: str
    agency_id: str
    state: DossierState
    opened_at: datetime
    consent_receipt: ConsentReceipt


# --- reading ------------------------------------------------------------------------------------


class DossierSummary(Answer):
    """A dossier in a list: no personal data."""

    dossier_id: str
    state: DossierState
    opened_at: datetime
    agency_reference: str | None = None
    standstill_ends_on: date | None = None
    next_deadline_on: date | None = None
    overdue: bool = Field(
        default=False,
        description="a reply is awaited past `next_deadline_on`, by the platform's date (not the reader's)",
    )
    closed_at: datetime | None = None


class DossierPage(Answer):
    dossiers: list[DossierSummary]
    next_cursor: str | None = Field(default=None, description="pass as `cursor` for the next page")


class ListDossiers(Request):
    state: DossierState | None = None
    deadline_within_days: int | None = Field(default=None, ge=0, le=366)
    limit: int = Field(default=25, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=2000)


class ReadDossier(Request):
    purpose: Purpose | None = Field(
        default=None,
        description="why you read it; it must be one your role may claim (default: your role's usual one: "
        "case_work for agency staff, supervision for a supervisor)",
    )


class ClaimView(Answer):
    claim_id: str
    office_reference: str
    creditor_class: CreditorClass
    principal_creditor: str | None = None
    amounts: Amounts
    continues_during_standstill: bool


class CreditorView(Answer):
    office_id: str
    claims: dict[CreditorClass, list[ClaimView]]
    totals: Amounts


class PendingReply(Answer):
    message_id: str
    type: MessageType
    office_id: str
    reply_due_on: date
    overdue: bool


class AttachmentView(Answer):
    """A document an office sent with its reply: its name, type and size. `GET
    /dossiers/{dossier_id}/documents/{document_id}` gives a short-lived link that downloads it."""

    document_id: str
    name: str
    content_type: str
    size_bytes: int


class DocumentDownload(Answer):
    """A link that downloads one document of the dossier, saved under `name`; it expires in minutes
    (each request makes a new one, from the document sealed with the dossier's data key)."""

    document_id: str
    name: str
    content_type: str
    size_bytes: int
    download_url: str
    download_expires_at: datetime


class BudgetDocumentView(Answer):
    """The budget calculation (VTLB) PDF a proposal carried to its office."""

    document_id: str
    sha256: str
    size_bytes: int


class MessageContent(Answer):
    """What a message says; each type carries only its own fields (the others are absent or empty).

    notice: `standstill`. proposal, reconsideration: `kind`, `claim_ids`, `outstanding`, `offered`
    (cents), `monthly` (instalments: cents per month), `budget_document`; a reconsideration's
    `comment`. termination: `reason`. Replies: `file_references`, `comment` (an objection's or a
    status report's text, ...); no_cooperation: `reason` (one of the listed reasons); proposal_reject:
    `reason` (the office's words)."""

    standstill: str | None = Field(None, description="notice: `requested`")
    kind: Literal["instalments", "buy_out"] | None = None
    claim_ids: list[str] = Field(default_factory=list)
    outstanding: int | None = None
    offered: int | None = None
    monthly: list[int] | None = None
    budget_document: BudgetDocumentView | None = None
    reason: str | None = None
    comment: str | None = None
    file_references: list[str] = Field(default_factory=list)


class MessageView(Answer):
    message_id: str
    conversation_id: str
    type: MessageType
    sender: str
    receiver: str
    created_at: datetime
    fetched_at: datetime | None = Field(None, description="to an office: when it first fetched the message")
    acknowledged_at: datetime | None = Field(
        None, description="to an office: when it acknowledged the message (answering it acknowledges it too)"
    )
    answered_at: datetime | None = Field(None, description="a request: when the office's reply came")
    in_reply_to: str | None = None
    reply_due_on: date | None = None
    claims_received: int | None = Field(None, description="a reply: how many claims came with it")
    body: MessageContent = Field(default_factory=MessageContent)
    attachments: list[AttachmentView] = Field(default_factory=list)


class MailView(Answer):
    """An office's answer by email, linked to the request it answers (its quoted history stripped)."""

    mail_id: str
    office_id: str
    in_reply_to: str
    received_at: datetime
    subject: str
    body: str
    attachments: list[AttachmentView] = Field(default_factory=list)
    refused_attachments: int = Field(0, description="attachments not accepted (type or size)")


class ConsentRecord(Answer):
    """The evidence of consent (GDPR art. 7): which text, how, by whom, when; and its withdrawal."""

    text_version: str
    language: Language
    text_sha256: str
    channel: ConsentChannel
    captured_by: str
    captured_at: datetime
    signed_form: "SignedForm | None" = None
    withdrawn_at: datetime | None = None


class TransferView(Answer):
    """The dossier's latest move to this agency: from where, when, and the operator's reason."""

    from_agency_id: str
    transferred_at: datetime
    reason: str


class DossierFacts(Answer):
    """Where a dossier stands: what the dossier view and the subject-access export both show."""

    dossier_id: str
    state: DossierState
    opened_at: datetime
    agency_reference: str | None = None
    standstill_starts_on: date | None = None
    standstill_ends_on: date | None = None
    closed_at: datetime | None = None
    close_reason: str | None = None
    retention_ends_at: datetime | None = None


def facts_of(dossier: Dossier) -> dict[str, object]:
    return dossier.model_dump(include=set(DossierFacts.model_fields))


class DossierView(DossierFacts):
    agency_id: str
    person: DebtorIdentity
    consent: ConsentRecord
    creditors: list[CreditorView]
    totals: Amounts
    totals_by_class: dict[CreditorClass, Amounts]
    pending_replies: list[PendingReply]
    messages: list[MessageView]
    mails: list[MailView] = Field(default_factory=list)
    transferred: TransferView | None = None
    standstill: list[CreditorStandstill] = Field(
        default_factory=list,
        description="the standstill per notified creditor: `objected` where its office objected (until "
        "the caseworker resolves it), with the objection's time and reason",
    )
    meter_readings: list[UtilityReadings] = Field(
        default_factory=list, description="per utility creditor: the readings its settlement carries"
    )


# --- changing -----------------------------------------------------------------------------------


class CloseDossier(Request):
    reason: ShortText = Field(
        description="why the dossier closes (no personal data), e.g. 'plan completed', 'moved away'"
    )


class DossierClosed(Answer):
    dossier_id: str
    state: DossierState
    closed_at: datetime
    retention_ends_at: datetime


class ConsentWithdrawn(Answer):
    dossier_id: str
    state: DossierState
    withdrawn_at: datetime
    personal_data: str = "unreadable: the dossier's data key is destroyed; erasure of every copy follows"
    consent_receipt: ConsentReceipt | None = Field(
        default=None,
        description="the receipt of the consent, now withdrawn (none once the dossier is erased)",
    )


class TransferDossier(Request):
    to_agency_id: EntityId
    reason: ShortText = Field(
        description="why the dossier moves; kept sealed with the dossier's data key, shown to the new agency"
    )


class DossierTransferred(Answer):
    dossier_id: str
    from_agency_id: str
    to_agency_id: str


# --- the consent texts ---------------------------------------------------------------------------


class ConsentTextQuery(Request):
    lang: Language | None = Field(
        default=None,
        description="the text's language; default: the first of Accept-Language we have, else en",
    )


class ConsentTextSummary(Answer):
    version: str
    language: Language
    sha256: str = Field(description="SHA-256 of the text (UTF-8): what a registration records as evidence")
    current: bool = Field(description="the version new registrations are asked to use")
    text: str = Field(description="the path that serves the text")


class ConsentTextList(Answer):
    texts: list[ConsentTextSummary]


class ConsentTextView(Answer):
    """A consent text as the person reads it, with the hash a registration records as its evidence."""

    version: str
    language: Language
    sha256: str
    current: bool
    text: str


# --- the signed consent form ----------------------------------------------------------------------


class RequestFormUpload(Request):
    content_type: DocumentType


class FormUpload(Answer):
    """Upload the file with an HTML form POST to `url` with `fields` and then the file as `file`."""

    url: str
    fields: dict[str, str]
    max_bytes: int
    expires_at: datetime
    upload_id: str


class ConfirmFormUpload(Request):
    upload_id: EntityId


class SignedForm(Answer):
    upload_id: str
    content_type: DocumentType
    size_bytes: int
    sha256: str
    added_at: datetime


# --- the agency's status overview ---------------------------------------------------------------


def _written_in_iso_8601(value: object) -> object:
    """A query's date or date-time as the document says (ISO 8601), not a number pydantic would read
    as Unix seconds (`?since=0.5`, `?on=0`: 1970)."""
    if isinstance(value, str) and not re.match(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError("must be an ISO 8601 date (2026-11-16) or date-time (2026-11-16T00:00:00Z)")
    return value


class OverviewQuery(Request):
    since: Annotated[UtcDatetime | None, BeforeValidator(_written_in_iso_8601)] = Field(
        default=None, description="claims received since; default: 7 days ago"
    )


# --- erasure receipts (operators) ----------------------------------------------------------------


class ErasuresQuery(Request):
    on: Annotated[date, BeforeValidator(_written_in_iso_8601)] = Field(
        description="the day (UTC) the erasures started, e.g. 2026-11-16"
    )


class ErasureList(BaseModel):
    """Erasure receipts: keyed hashes of dossier ids, when, why and how much; no personal data."""

    receipts: list[ErasureReceipt]


# --- the access log (the agency's admin, a supervisor) ----------------------------------------------


class AccessLogQuery(Request):
    limit: int = Field(default=25, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=2000)


class AccessLogEntry(Answer):
    """One access to the dossier: who (their user id and role, and their agency — or the office, for an
    office system), when, what and why. No personal data."""

    entry_id: str
    at: datetime
    actor_id: str = Field(description="the person's user id, or the office system's OAuth2 client id")
    actor_role: ActorRole
    actor_agency_id: str = Field(description="the actor's agency (for an office system: its office)")
    action: Action
    purpose: Purpose
    detail: str | None = None


class AccessLogPage(Answer):
    dossier_id: str
    entries: list[AccessLogEntry] = Field(description="newest first")
    next_cursor: str | None = Field(default=None, description="pass as `cursor` for the next page")


# --- the subject-access export (GDPR art. 15) -------------------------------------------------------


class DocumentLanguage(Request):
    """The language of a document made for the person (the consent receipt, the subject-access export,
    the statement of debts)."""

    lang: Language | None = Field(
        default=None, description="the document's language; default: the language the person consented in"
    )


class HeldClaim(Answer):
    claim_id: str
    office_reference: str
    principal_creditor: str
    creditor_class: CreditorClass
    title: Title
    enforcement: Enforcement
    amounts: Amounts


class HeldCreditor(Answer):
    """An office's claims against the person."""

    office_id: str
    office_name: str
    claims: list[HeldClaim]
    totals: Amounts


class HeldMessage(Answer):
    """A message exchanged about the person with an office, with its contents."""

    message_id: str
    conversation_id: str
    type: MessageType
    direction: Direction
    office_id: str
    created_at: datetime
    fetched_at: datetime | None = None
    acknowledged_at: datetime | None = None
    reply_due_on: date | None = None
    in_reply_to: str | None = None
    body: dict[str, JsonValue]


class HeldMail(Answer):
    """An office's answer by email, as kept (its quoted history stripped)."""

    mail_id: str
    office_id: str
    in_reply_to: str
    received_at: datetime
    subject: str
    body: str
    refused_attachments: int


DocumentKind = Literal["consent_form", "reply_attachment", "mail_attachment", "budget_calculation"]


class HeldDocument(Answer):
    """A document kept about the person: listed, not included (the agency hands over the files)."""

    document_id: str
    kind: DocumentKind
    name: str
    content_type: str
    size_bytes: int
    received_at: datetime = Field(description="when it was added to the dossier")


class OfficeTold(Answer):
    """An office the agency told about the person's debt help, and how often it wrote to it."""

    office_id: str
    office_name: str
    first_told_at: datetime
    messages_sent: int


class SubjectAccessExport(DossierFacts):
    """Everything Respite holds about the person of one dossier, for the agency to hand over (GDPR
    art. 15): the person, the consent, the claims by creditor, the messages with their contents, the
    documents (listed), the offices told, and every access to the dossier."""

    generated_at: datetime
    language: Language = Field(description="the person's language (the one they consented in)")
    agency_id: str
    agency_name: str
    person: DebtorIdentity
    consent: ConsentRecord
    creditors: list[HeldCreditor]
    totals: Amounts
    messages: list[HeldMessage] = Field(description="oldest first")
    mails: list[HeldMail] = Field(description="oldest first")
    documents: list[HeldDocument] = Field(description="oldest first")
    offices_told: list[OfficeTold]
    meter_readings: list[UtilityReadings] = Field(
        default_factory=list, description="the household's meter readings recorded for utility creditors"
    )
    access_log: list[AccessLogEntry] = Field(description="oldest first, this export's own entry last")


ConsentRecord.model_rebuild()


# --- the statement of debts -----------------------------------------------------------------------------


class StatementCreditor(HeldCreditor):
    """A creditor as the statement names it: who, where, and its claims with their total."""

    kind: OfficeKind | None = None
    registration_number: str | None = None
    postal_address: Address | None = None


class StatementAgency(Answer):
    agency_id: str
    name: str
    postal_address: Address | None = None
    contact_email: str | None = None


class StatementOfDebts(Answer):
    """Every known debt of the person, by creditor, with the creditors' names and places and the
    amounts (what a moratorium request or a court needs: Besluit gemeentelijke schuldhulpverlening
    art. 4; the Belgian collective debt settlement's statement of creditors)."""

    generated_at: datetime
    language: Language
    dossier_id: str
    agency_reference: str | None = None
    agency: StatementAgency
    person: DebtorIdentity
    standstill_starts_on: date | None = None
    standstill_ends_on: date | None = None
    creditors: list[StatementCreditor]
    by_class: dict[CreditorClass, Amounts]
    totals: Amounts
