"""What the claims API accepts and answers."""

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, HttpUrl, StringConstraints, model_validator

from respite_core.creditor_records import MAX_READINGS, CreditorStandstill, MeterReading
from respite_core.domain import (
    Address,
    Cents,
    CreditorClass,
    DossierState,
    EntityId,
    Language,
    MessageType,
    Name,
    NationalNumber,
    NoCooperationReason,
    Office,
    SaleDate,
    TitleKind,
    readable_line,
)
from respite_core.money import MAX_CENTS

Reference = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), AfterValidator(readable_line)
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
# one step is one transaction: the dossier, its log entry, a message and an inbox pointer per office
# and the liveness fence, within DynamoDB's 100 operations
MAX_OFFICES_PER_STEP = 48


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- the agency's side ------------------------------------------------------------------------------


class ToOffices(Request):
    office_ids: list[EntityId] = Field(min_length=1, max_length=MAX_OFFICES_PER_STEP)


class SendToOffices(Request):
    """Offices to send to; empty or absent: every office the dossier's notices went to."""

    office_ids: list[EntityId] = Field(default_factory=list, max_length=MAX_OFFICES_PER_STEP)


class SentMessage(Answer):
    message_id: str
    office_id: str
    type: MessageType
    reply_due_on: date | None


class MessagesSent(Answer):
    dossier_id: str
    state: DossierState
    standstill_ends_on: date | None
    messages: list[SentMessage]


class ProposalKind(StrEnum):
    INSTALMENTS = "instalments"  # schuldbemiddeling: the monthly capacity over 36 months, pro rata
    BUY_OUT = "buy_out"  # saneringskrediet: one percentage of every claim, paid at once


class ProposeSettlement(Request):
    kind: ProposalKind
    monthly_capacity: Cents | None = Field(default=None, description="instalments: cents per month")
    percentage_bp: int | None = Field(default=None, ge=1, le=10_000, description="buy-out: basis points")
    budget_document_id: EntityId | None = Field(
        default=None, description="the uploaded budget calculation (VTLB) PDF; required by some offices"
    )


class PlanQuery(Request):
    """A proposal's plan, asked for in the query string (the numbers arrive as text: not strict)."""

    kind: ProposalKind
    monthly_capacity: int | None = Field(
        default=None, ge=0, le=MAX_CENTS, description="instalments: cents per month"
    )
    percentage_bp: int | None = Field(default=None, ge=1, le=10_000, description="buy-out: basis points")


class Reconsider(Request):
    office_ids: list[EntityId] = Field(default_factory=list, max_length=MAX_OFFICES_PER_STEP)
    comment: Text | None = None


class Terminate(Request):
    reason: Text


class DocumentUploadRequest(Request):
    content_type: Literal["application/pdf"] = "application/pdf"


class DocumentUpload(Answer):
    url: str
    fields: dict[str, str]
    document_id: str
    max_bytes: int


class CreditorPart(Answer):
    office_id: str
    claim_ids: list[str]
    outstanding: int
    offered: int
    monthly: list[int] | None = None  # instalments: the office's amount per month


class ClassPart(Answer):
    """What the plan offers one creditor class, over every office."""

    creditor_class: CreditorClass
    outstanding: int
    offered: int
    monthly: list[int] | None = None  # instalments: the class's amount per month


class ProposalPreview(Answer):
    """The plan a proposal with these figures would send, computed as `POST .../proposals` computes it:
    nothing is stored or sent."""

    dossier_id: str
    kind: ProposalKind
    months: int | None = Field(description="instalments: the plan's length in months")
    total_outstanding: int
    total_offered: int
    parts: list[CreditorPart] = Field(description="each office's part, as its proposal would carry it")
    classes: list[ClassPart]
    vtlb_required: list[str] = Field(
        description="offices of the plan that receive a proposal only with the budget calculation PDF"
    )


class Tally(Answer):
    accepted: list[str]
    rejected: list[str]
    pending: list[str]
    preapproved: list[str]


class ProposalAnswer(Answer):
    """An office's answer to the latest proposal (or reconsideration) it received, with its words."""

    office_id: str
    message_id: str
    type: MessageType
    answered_at: datetime
    reason: str | None = Field(None, description="proposal_reject: why, as the office wrote it")
    comment: str | None = None


class Negotiation(Answer):
    dossier_id: str
    state: DossierState
    standstill_ends_on: date | None
    proposal_kind: ProposalKind | None
    total_outstanding: int
    total_offered: int
    parts: list[CreditorPart]
    tally: Tally
    answers: list[ProposalAnswer] = Field(default_factory=list)
    standstill: list[CreditorStandstill] = Field(
        default_factory=list,
        description="the standstill per notified creditor: objected where its office objected",
    )
    meter_readings_missing: list[str] = Field(
        default_factory=list,
        description="utility creditors of the plan whose meter readings the settlement still needs",
    )


# --- what the agency records about one creditor --------------------------------------------------------


class RecordMeterReadings(Request):
    """The household's meter readings for a utility creditor: the settlement carries them to it."""

    office_id: EntityId = Field(description="the utility creditor (a notified office flagged `utility`)")
    readings: list[MeterReading] = Field(min_length=1, max_length=MAX_READINGS)


class MeterReadingsRecorded(Answer):
    dossier_id: str
    office_id: str
    readings: list[MeterReading]
    recorded_at: datetime


class ResolveObjection(Request):
    office_id: EntityId = Field(description="the office that objected")
    resolution: Text = Field(
        description="how the objection was dealt with (e.g. the principal withdrew it after a call); "
        "sealed with the dossier's data key"
    )


class OfficeListing(Answer):
    """The office directory. `webhook_url` is shown to operators only: an office's endpoint is its
    own business (and may carry a token), not its counterparts'."""

    offices: list[Office]


# --- the office's side ------------------------------------------------------------------------------


class ClaimInput(Request):
    """One claim as an office reports it. Amounts in integer euro cents."""

    office_reference: Reference = Field(description="your file reference; it identifies the claim")
    principal_creditor: Name = Field(description="opdrachtgever / mandant")
    creditor_class: CreditorClass = CreditorClass.ORDINARY
    principal: Cents
    interest: Cents = 0
    costs: Cents = 0
    paid: Cents = 0
    currency: Literal["EUR"] = "EUR"
    title_kind: TitleKind = TitleKind.NONE
    title_description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""
    public_sale_announced_on: SaleDate | None = Field(
        default=None, description="the announced sale's date, within five years of today"
    )
    garnishment_laid: bool = False

    @model_validator(mode="after")
    def _not_overpaid(self) -> Self:
        if self.paid > self.principal + self.interest + self.costs:
            raise ValueError("paid exceeds principal + interest + costs")
        return self


# the replies that give a reason (an objection: why the principal objects to the standstill)
REASONED_REPLIES = (MessageType.NO_COOPERATION, MessageType.PROPOSAL_REJECT, MessageType.OBJECTION)


class Reply(Request):
    """An office's answer to a request; its type must be one the catalogue allows for that request."""

    type: MessageType
    reason: NoCooperationReason | Text | None = Field(
        default=None,
        union_mode="left_to_right",  # a listed reason is the reason, not just any text
        description="no_cooperation: why, one of the listed reasons (required); proposal_reject: why the "
        "plan is refused, in the office's words (optional); objection: why the principal objects to the "
        "standstill (optional); other replies take none",
    )
    file_references: list[Reference] = Field(default_factory=list, max_length=50)
    claims: list[ClaimInput] = Field(default_factory=list, max_length=50)
    comment: Text | None = None

    @model_validator(mode="after")
    def _reason_where_the_catalogue_has_one(self) -> Self:
        if self.type is MessageType.NO_COOPERATION:
            if not isinstance(self.reason, NoCooperationReason):
                raise ValueError("a no_cooperation reply needs a reason: " + ", ".join(NoCooperationReason))
        elif self.reason is not None and self.type not in REASONED_REPLIES:
            raise ValueError("only no_cooperation, proposal_reject and objection replies give a reason")
        return self


class ReplyAccepted(Answer):
    message_id: str
    in_reply_to: str
    type: MessageType
    claims_stored: int


class RejectedRowView(Answer):
    line: int
    field: str
    reason: str


class IntakeReport(Answer):
    message_id: str
    in_reply_to: str
    accepted: int
    rejected: list[RejectedRowView]


class PersonForOffice(Answer):
    """Who the request is about: as little as the office needs to find its file."""

    given_names: str
    family_name: str
    birth_date: date
    address: Address
    national_number: NationalNumber | None = None  # only to offices flagged `public`


class RequestDocument(Answer):
    """A document the request carries (a proposal's budget calculation PDF): `url` is the claims API's
    route that gives a short-lived download link for it (with the office's token)."""

    document_id: str
    name: str
    content_type: str
    size_bytes: int
    sha256: str
    url: str


class RequestDocumentDownload(Answer):
    """A link that downloads one document a request carries; it expires in minutes (each request makes a
    new one, from the document sealed with the dossier's data key)."""

    document_id: str
    name: str
    content_type: str
    size_bytes: int
    download_url: str
    download_expires_at: datetime


class InboxMessage(Answer):
    message_id: str
    conversation_id: str
    dossier_id: str
    type: MessageType
    created_at: datetime
    reply_due_on: date | None
    ack_due_on: date
    acknowledged_at: datetime | None = Field(default=None, description="when you acknowledged it, if you did")
    reply_overdue: bool = Field(default=False, description="past `reply_due_on` by the platform's date")
    ack_overdue: bool = Field(default=False, description="past `ack_due_on` by the platform's date")
    agency_id: str
    agency_name: str
    agency_language: Language
    person: PersonForOffice
    body: dict[str, object]
    documents: list[RequestDocument] = Field(default_factory=list)
    callback_url: str


class InboxPage(Answer):
    messages: list[InboxMessage]
    next_cursor: str | None = None


class InboxQuery(Request):
    limit: int = Field(default=25, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=2000)
    acknowledged: bool = Field(
        default=False,
        description="also the messages you acknowledged and have not answered yet (each with its "
        "`acknowledged_at`); an answer takes a message out of the inbox either way",
    )


class Acknowledged(Answer):
    message_id: str
    acknowledged_at: datetime


class Lookup(Request):
    national_number: NationalNumber


class LookupAnswer(Answer):
    in_debt_help: bool
    agencies: list[dict[str, str]] = Field(
        default_factory=list, description="name and contact of each agency"
    )


# --- operators: the office directory ---------------------------------------------------------------------


class RegisterOffice(Request):
    office: Office


class OfficeCredentials(Answer):
    """Shown once: the office system's OAuth2 client and its first webhook secret."""

    office_id: str
    client_id: str
    client_secret: str
    webhook_secret: str


class SetWebhook(Request):
    webhook_url: HttpUrl | None = Field(
        description="where the platform posts your signed webhooks: https, a public host, no credentials "
        "in the URL; null: no more webhooks (email only)"
    )


class OfficeWebhook(Answer):
    office_id: str
    webhook_url: HttpUrl | None


class WebhookSecretIssued(Answer):
    office_id: str
    secret_id: str
    webhook_secret: str
    previous_valid_until: datetime | None
