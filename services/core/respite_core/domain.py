"""The domain models of Respite: parties, the debtor, consent, the dossier and its states, claims, messages.

Every model is frozen, forbids unknown fields and hides input values in its validation errors (they may
hold personal data). Ids are 1-100 characters of [A-Za-z0-9_-] so they can be put in table keys as is.
"""

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Annotated, Any, Final, Literal, Self

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    JsonValue,
    StringConstraints,
    ValidationInfo,
    computed_field,
    field_validator,
    model_validator,
)
from stdnum import exceptions as stdnum_errors
from stdnum.be import vat as be_vat
from stdnum.nl import postcode as nl_postcode

from respite_core.calendar import Country, add_months, add_working_days
from respite_core.ids import utc_now
from respite_core.money import Cents
from respite_core.national_number import NationalNumber

__all__ = [
    "ACK_WITHIN_WORKING_DAYS",
    "ANSWERS",
    "DIRECTIONS",
    "REPLY_RULES",
    "REPLY_WITHIN_WORKING_DAYS",
    "STANDSTILL_MONTHS",
    "TRANSITIONS",
    "Address",
    "Agency",
    "AgencyKind",
    "Cents",
    "Claim",
    "Consent",
    "ConsentChannel",
    "Country",
    "CreditorClass",
    "DebtorIdentity",
    "Direction",
    "DomainModel",
    "Dossier",
    "DossierEvent",
    "DossierState",
    "EmailAddress",
    "Enforcement",
    "EntityId",
    "IllegalTransition",
    "Language",
    "Message",
    "MessageType",
    "NationalNumber",
    "NoCooperationReason",
    "Office",
    "OfficeKind",
    "ReplyNotAllowed",
    "ReplyRule",
    "Title",
    "TitleKind",
    "UtcDatetime",
    "ack_due_on",
    "check_reply",
    "conversation_id",
    "ended_standstill",
    "message_to_office",
    "next_state",
    "reply_due_on",
    "standstill_ends_on",
]


# --- shared field types ---------------------------------------------------------------------------------


class DomainModel(BaseModel):
    """Base of the domain models: immutable, strict about fields, no personal data echoed in errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)


def _in_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


UtcDatetime = Annotated[AwareDatetime, AfterValidator(_in_utc)]
"""A timezone-aware time, normalised to UTC. Naive times are rejected."""

# The bidirectional embeddings, overrides and isolates: a name holding one is shown reordered
# (U+202E makes "Jan" read "naJ" to a caseworker and in every PDF), the "Trojan Source" trick.
_BIDI_CONTROLS: Final = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# control characters (NUL, line breaks, ...), unpaired surrogates, line and paragraph separators
_NEVER_IN_A_LINE: Final = frozenset({"Cc", "Cs", "Zl", "Zp"})
# what shows nothing: spaces, and format characters such as the zero-width space, joiners, soft hyphen
_INVISIBLE: Final = frozenset({"Zs", "Cf"})


def readable_line(text: str) -> str:
    """A name or other one-line text a person is shown as typed: no control characters, no bidi
    controls, and something visible (not only spaces and zero-width or other format characters)."""
    categories = [unicodedata.category(char) for char in text]
    if any(category in _NEVER_IN_A_LINE for category in categories):
        raise ValueError("must not contain control characters or line breaks")
    if any(char in _BIDI_CONTROLS for char in text):
        raise ValueError("must not contain bidirectional override or isolate characters")
    if all(category in _INVISIBLE for category in categories):
        raise ValueError("must contain a visible character")
    return text


EntityId = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")]
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), AfterValidator(readable_line)
]
ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), AfterValidator(readable_line)
]
# A plain check, not RFC 5322: email-validator is not a dependency, and mail delivery is the real test.
EmailAddress = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
]
AgencyReference = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40, pattern=r"^[A-Za-z0-9 ./_-]+$")
]
Sha256Hex = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class Language(StrEnum):
    NL = "nl"
    FR = "fr"
    EN = "en"


# --- parties --------------------------------------------------------------------------------------------


class AgencyKind(StrEnum):
    OCMW = "ocmw"  # Belgian public centre for social welfare (OCMW / CPAS)
    CAW = "caw"  # Belgian centre for general welfare work
    SHV = "shv"  # Dutch municipal debt help (gemeentelijke schuldhulpverlening)


class Agency(DomainModel):
    agency_id: EntityId
    name: Name
    kind: AgencyKind
    country: Country
    language: Language
    contact_email: EmailAddress
    postal_address: "Address | None" = None  # the agency's block on a statement of debts


class OfficeKind(StrEnum):
    BAILIFF = "bailiff"
    CREDITOR = "creditor"


_KVK = re.compile(r"[0-9]{8}", re.ASCII)


def _registration_number(country: Country, raw: str) -> str:
    """BE: KBO enterprise number (the VAT number's 10 digits, mod-97 checked). NL: KvK number (8 digits;
    it has no check digit and stdnum has no KvK module)."""
    if country is Country.BE:
        try:
            number: str = be_vat.validate(raw)
        except stdnum_errors.ValidationError:
            raise ValueError("not a valid KBO enterprise number") from None
        return number
    compact = re.sub(r"[\s.]", "", raw)
    if not _KVK.fullmatch(compact):
        raise ValueError("a KvK number has 8 digits")
    return compact


class Office(DomainModel):
    """A bailiff office or a creditor. The flags come from the Schuldenknooppunt's partner settings."""

    office_id: EntityId
    name: Name
    kind: OfficeKind
    country: Country
    registration_number: str
    language: Language
    contact_emails: tuple[EmailAddress, ...] = Field(min_length=1)
    # Any http(s) URL here; the SSRF guard (https only, no private hosts) is the webhook sender's job.
    webhook_url: HttpUrl | None = None
    public: bool = False  # the national number is always sent to this office
    utility: bool = False  # meter readings are required with a settlement
    vtlb_required: bool = False  # a budget calculation PDF must be attached to a proposal
    postal_address: "Address | None" = None  # a statement of debts names each creditor's place

    @field_validator("registration_number")
    @classmethod
    def _valid_registration_number(cls, raw: str, info: ValidationInfo) -> str:
        country = info.data.get("country")
        if country is None:  # the country itself was invalid and is reported already
            return raw
        return _registration_number(country, raw)


# --- the debtor and consent -----------------------------------------------------------------------------


class Address(DomainModel):
    country: Country
    street: Name
    number: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=20),
        AfterValidator(readable_line),
    ]
    postal_code: str
    city: Name

    @field_validator("postal_code")
    @classmethod
    def _valid_postal_code(cls, raw: str, info: ValidationInfo) -> str:
        country = info.data.get("country")
        if country is Country.BE:
            code = raw.strip()
            if not re.fullmatch(r"[1-9][0-9]{3}", code, re.ASCII):
                raise ValueError("a Belgian postal code has 4 digits")
            return code
        if country is Country.NL:
            try:
                normalised: str = nl_postcode.validate(raw)
            except stdnum_errors.ValidationError:
                raise ValueError("a Dutch postal code is 4 digits and 2 letters") from None
            return normalised
        return raw


Agency.model_rebuild()
Office.model_rebuild()


OLDEST_AGE_YEARS: Final = 120  # nobody older asks for debt help: an earlier birth date is a typing error


class DebtorIdentity(DomainModel):
    """Who the debtor is. All of it is personal data: encrypted at rest, never logged."""

    national_number: NationalNumber
    given_names: Name
    family_name: Name
    birth_date: date
    address: Address

    @model_validator(mode="after")
    def _plausible_birth_date(self) -> Self:
        today = utc_now().date()
        if self.birth_date > today:
            raise ValueError("birth date is in the future")
        if self.birth_date < add_months(today, -12 * OLDEST_AGE_YEARS):
            raise ValueError(f"birth date is more than {OLDEST_AGE_YEARS} years ago")
        if not self.national_number.matches_birth_date(self.birth_date):
            raise ValueError("birth date does not match the date in the national number")
        return self


class ConsentChannel(StrEnum):
    IN_PERSON = "in_person"
    SIGNED_PAPER_FORM = "signed_paper_form"


class Consent(DomainModel):
    """Proof of consent (GDPR art. 7): which text, in which language, how and by whom it was taken."""

    text_version: ShortText
    language: Language
    text_sha256: Sha256Hex
    channel: ConsentChannel
    captured_by: EntityId  # the caseworker
    captured_at: UtcDatetime


# --- the dossier and its states -------------------------------------------------------------------------


class DossierState(StrEnum):
    # consent given on a paper form that is not uploaded yet: nothing may go to the offices until it is
    AWAITING_SIGNED_FORM = "awaiting_signed_form"
    REGISTERED = "registered"  # consent given, dossier open
    NOTIFIED = "notified"  # notices sent, standstill running
    NEGOTIATING = "negotiating"  # a proposal is out
    SETTLED = "settled"  # settlement agreed, standstill over, the plan runs
    TERMINATED = "terminated"  # the agency ended the debt help
    CLOSED = "closed"  # retention clock runs
    WITHDRAWN = "withdrawn"  # consent withdrawn, erasure pending
    ERASED = "erased"  # personal data gone; only a receipt remains


class DossierEvent(StrEnum):
    SIGNED_FORM_ADDED = "signed_form_added"  # the signed consent form was uploaded and confirmed
    NOTICES_SENT = "notices_sent"
    PROPOSAL_SENT = "proposal_sent"
    RECONSIDERATION_SENT = "reconsideration_sent"
    SETTLEMENT_AGREED = "settlement_agreed"
    TERMINATED = "terminated"
    CLOSED = "closed"
    CONSENT_WITHDRAWN = "consent_withdrawn"
    ERASED = "erased"
    TRANSFERRED = "transferred"  # the operator moved the dossier to another agency


_S = DossierState
_E = DossierEvent
_ACTIVE: Final = (_S.REGISTERED, _S.NOTIFIED, _S.NEGOTIATING, _S.SETTLED)
_OPEN: Final = (_S.AWAITING_SIGNED_FORM, *_ACTIVE)  # every state a dossier is worked in

TRANSITIONS: Final[Mapping[tuple[DossierState, DossierEvent], DossierState]] = MappingProxyType(
    {
        (_S.AWAITING_SIGNED_FORM, _E.SIGNED_FORM_ADDED): _S.REGISTERED,
        (_S.REGISTERED, _E.NOTICES_SENT): _S.NOTIFIED,
        # a creditor found later gets its notice too; the state does not move back
        (_S.NOTIFIED, _E.NOTICES_SENT): _S.NOTIFIED,
        (_S.NEGOTIATING, _E.NOTICES_SENT): _S.NEGOTIATING,
        (_S.NOTIFIED, _E.PROPOSAL_SENT): _S.NEGOTIATING,
        (_S.NEGOTIATING, _E.PROPOSAL_SENT): _S.NEGOTIATING,
        (_S.NEGOTIATING, _E.RECONSIDERATION_SENT): _S.NEGOTIATING,
        (_S.NEGOTIATING, _E.SETTLEMENT_AGREED): _S.SETTLED,
        **{(state, _E.TERMINATED): _S.TERMINATED for state in (_S.NOTIFIED, _S.NEGOTIATING, _S.SETTLED)},
        **{(state, _E.CLOSED): _S.CLOSED for state in (*_OPEN, _S.TERMINATED)},
        # withdrawal is possible until the data is gone; a closed dossier is then erased before retention ends
        **{(state, _E.CONSENT_WITHDRAWN): _S.WITHDRAWN for state in (*_OPEN, _S.TERMINATED, _S.CLOSED)},
        (_S.CLOSED, _E.ERASED): _S.ERASED,
        (_S.WITHDRAWN, _E.ERASED): _S.ERASED,
        **{(state, _E.TRANSFERRED): state for state in _OPEN},
    }
)
"""The one dossier state machine. Any (state, event) pair not listed is illegal.

=================== ====================================================== ===========================
event               legal from                                             to
=================== ====================================================== ===========================
signed_form_added   awaiting_signed_form                                   registered
notices_sent        registered; notified, negotiating (a late creditor)    notified; same state
proposal_sent       notified, negotiating                                  negotiating
reconsideration     negotiating                                            negotiating
settlement_agreed   negotiating                                            settled
terminated          notified, negotiating, settled                         terminated
closed              awaiting_signed_form, registered, notified,            closed
                    negotiating, settled, terminated
consent_withdrawn   every state but withdrawn and erased                   withdrawn
erased              closed, withdrawn                                      erased
transferred         awaiting_signed_form, registered, notified,            same state
                    negotiating, settled
=================== ====================================================== ===========================

Nothing leaves erased. A registered dossier that nobody was told about is closed, not terminated.
Consent given on a paper form opens the dossier awaiting that form: it is registered (and offices may
be told) once the signed form is uploaded and confirmed.
"""


class IllegalTransition(ValueError):
    def __init__(self, state: DossierState, event: DossierEvent) -> None:
        super().__init__(f"event {event.value!r} is not allowed in dossier state {state.value!r}")
        self.state = state
        self.event = event


def next_state(state: DossierState, event: DossierEvent) -> DossierState:
    """The state after `event`, or IllegalTransition."""
    try:
        return TRANSITIONS[(state, event)]
    except KeyError:
        raise IllegalTransition(state, event) from None


STANDSTILL_MONTHS: Final = 3


def standstill_ends_on(started_on: date) -> date:
    """The last possible end of a standstill: three calendar months later, clamped to the month's end."""
    return add_months(started_on, STANDSTILL_MONTHS)


_latest_standstill_end = standstill_ends_on  # the Dossier field of the same name shadows it in the class


class Dossier(DomainModel):
    """One debtor at one agency. Holds no personal data itself: the identity is stored apart, encrypted."""

    dossier_id: EntityId
    agency_id: EntityId
    state: DossierState = DossierState.REGISTERED
    opened_at: UtcDatetime
    standstill_starts_on: date | None = None
    standstill_ends_on: date | None = None  # earlier than the 3-month limit when a plan is agreed
    closed_at: UtcDatetime | None = None
    close_reason: ShortText | None = None
    retention_ends_at: UtcDatetime | None = None
    withdrawn_at: UtcDatetime | None = None  # consent withdrawn: the data key is gone, erasure follows
    # the agency's own file number, so caseworkers recognise a dossier in lists without personal data
    agency_reference: AgencyReference | None = None
    next_deadline_on: date | None = None  # the earliest pending reply deadline, kept by the claims service

    @model_validator(mode="after")
    def _consistent_dates(self) -> Self:
        if self.standstill_ends_on is not None:
            if self.standstill_starts_on is None:
                raise ValueError("a standstill cannot end without a start")
            if not self.standstill_starts_on <= self.standstill_ends_on:
                raise ValueError("standstill ends before it starts")
            if self.standstill_ends_on > _latest_standstill_end(self.standstill_starts_on):
                raise ValueError("a standstill lasts at most 3 months")
        if self.state is DossierState.CLOSED and self.closed_at is None:
            raise ValueError("a closed dossier needs closed_at")
        if self.closed_at is not None and self.closed_at < self.opened_at:
            raise ValueError("closed before it was opened")
        if self.retention_ends_at is not None and (
            self.closed_at is None or self.retention_ends_at < self.closed_at
        ):
            raise ValueError("retention ends after closing")
        return self

    def apply(self, event: DossierEvent, **changes: Any) -> "Dossier":
        """A validated copy in the state after `event`, with `changes` (e.g. closed_at when closing).

        Raises IllegalTransition when the event is not allowed, ValidationError when the changes don't fit.
        """
        fields = {**self.model_dump(), **changes, "state": next_state(self.state, event)}
        return type(self).model_validate(fields)


def ended_standstill(dossier: Dossier, today: date) -> dict[str, date]:
    """The change that ends a running standstill today (a plan agreed, the debt help terminated, the
    dossier closed): its end moves to today. One that has ended already is left as it was."""
    if dossier.standstill_ends_on is not None and dossier.standstill_ends_on > today:
        return {"standstill_ends_on": today}
    return {}


# --- claims ---------------------------------------------------------------------------------------------


class CreditorClass(StrEnum):
    PREFERENTIAL = "preferential"
    ORDINARY = "ordinary"


class TitleKind(StrEnum):
    JUDGMENT = "judgment"
    NOTARIAL_DEED = "notarial_deed"
    NONE = "none"


class Title(DomainModel):
    """The enforceable title behind a claim, if any."""

    kind: TitleKind
    description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""


SALE_WITHIN_YEARS: Final = 5


def plausible_sale_date(day: date) -> date:
    """An announced public sale's date as an office reports it: within five years either side of
    today (0001-01-01 or 9999-12-31 are typing errors or placeholders, not dates)."""
    today = utc_now().date()
    months = 12 * SALE_WITHIN_YEARS
    if not add_months(today, -months) <= day <= add_months(today, months):
        raise ValueError(f"must be within {SALE_WITHIN_YEARS} years of today")
    return day


# Checked where an office reports it, not in `Enforcement`: a stored claim stays readable years later.
SaleDate = Annotated[date, AfterValidator(plausible_sale_date)]


class Enforcement(DomainModel):
    public_sale_announced_on: date | None = None
    garnishment_laid: bool = False  # derdenbeslag already laid

    @property
    def continues_during_standstill(self) -> bool:
        """An announced public sale and a laid garnishment are not paused by the standstill."""
        return self.public_sale_announced_on is not None or self.garnishment_laid


_AMOUNTS: Final = ("principal", "interest", "costs", "paid")


class Claim(DomainModel):
    """One claim an office holds against the debtor. Amounts are EUR cents, strict non-negative ints."""

    claim_id: EntityId
    dossier_id: EntityId
    office_id: EntityId
    office_reference: ShortText  # the office's own file reference for this claim
    principal: Cents
    interest: Cents
    costs: Cents
    paid: Cents
    currency: Literal["EUR"] = "EUR"
    title: Title
    creditor_class: CreditorClass
    principal_creditor: Name  # opdrachtgever / mandant
    enforcement: Enforcement = Enforcement()

    @model_validator(mode="before")
    @classmethod
    def _accept_matching_outstanding(cls, data: Any) -> Any:
        # `outstanding` is computed and dumped; accept it back only when it agrees with the amounts.
        if not isinstance(data, dict) or "outstanding" not in data:
            return data
        fields = dict(data)
        claimed = fields.pop("outstanding")
        amounts = [fields.get(name) for name in _AMOUNTS]
        ints = [amount for amount in amounts if isinstance(amount, int) and not isinstance(amount, bool)]
        if len(ints) == len(_AMOUNTS):  # otherwise the amount fields themselves fail validation
            principal, interest, costs, paid = ints
            if type(claimed) is not int or claimed != principal + interest + costs - paid:
                raise ValueError("outstanding must equal principal + interest + costs - paid")
        return fields

    @model_validator(mode="after")
    def _not_overpaid(self) -> Self:
        if self.paid > self.total:
            raise ValueError("paid exceeds principal + interest + costs")
        return self

    @property
    def total(self) -> int:
        return self.principal + self.interest + self.costs

    @computed_field  # type: ignore[prop-decorator]
    @property
    def outstanding(self) -> int:
        return self.total - self.paid


# --- messages -------------------------------------------------------------------------------------------


class MessageType(StrEnum):
    # agency -> office
    NOTICE = "notice"
    BALANCE_REQUEST = "balance_request"
    PROPOSAL = "proposal"
    RECONSIDERATION = "reconsideration"
    SETTLEMENT_AGREED = "settlement_agreed"
    TERMINATION = "termination"
    STATUS_REQUEST = "status_request"
    # office -> agency
    NOTICE_ACK = "notice_ack"
    NO_COOPERATION = "no_cooperation"
    OBJECTION = "objection"
    NOT_IN_NEED = "not_in_need"
    BALANCE_REPLY = "balance_reply"
    BALANCE_REPLY_PREAPPROVED = "balance_reply_preapproved"
    PROPOSAL_ACCEPT = "proposal_accept"
    PROPOSAL_REJECT = "proposal_reject"
    STATUS_REPORT = "status_report"


class Direction(StrEnum):
    AGENCY_TO_OFFICE = "agency_to_office"
    OFFICE_TO_AGENCY = "office_to_agency"


_M = MessageType

_REQUESTS: Final = frozenset(
    {
        _M.NOTICE,
        _M.BALANCE_REQUEST,
        _M.PROPOSAL,
        _M.RECONSIDERATION,
        _M.SETTLEMENT_AGREED,
        _M.TERMINATION,
        _M.STATUS_REQUEST,
    }
)

DIRECTIONS: Final[Mapping[MessageType, Direction]] = MappingProxyType(
    {
        message_type: Direction.AGENCY_TO_OFFICE if message_type in _REQUESTS else Direction.OFFICE_TO_AGENCY
        for message_type in MessageType
    }
)

_PROPOSAL_ANSWERS: Final = frozenset({_M.PROPOSAL_ACCEPT, _M.PROPOSAL_REJECT})

ANSWERS: Final[Mapping[MessageType, frozenset[MessageType]]] = MappingProxyType(
    {
        _M.NOTICE: frozenset({_M.NOTICE_ACK, _M.NO_COOPERATION, _M.OBJECTION, _M.NOT_IN_NEED}),
        _M.BALANCE_REQUEST: frozenset({_M.BALANCE_REPLY, _M.BALANCE_REPLY_PREAPPROVED, _M.NO_COOPERATION}),
        _M.PROPOSAL: _PROPOSAL_ANSWERS,
        _M.RECONSIDERATION: _PROPOSAL_ANSWERS,
        _M.STATUS_REQUEST: frozenset({_M.STATUS_REPORT}),
        # announcements: nothing answers them
        _M.SETTLEMENT_AGREED: frozenset(),
        _M.TERMINATION: frozenset(),
        # replies are never answered with a message of their own
        **{message_type: frozenset() for message_type in MessageType if message_type not in _REQUESTS},
    }
)
"""For every message type, the reply types that may answer it (empty: no reply expected)."""


class NoCooperationReason(StrEnum):
    """The `reason` in the body of a `no_cooperation` message."""

    UNKNOWN_PERSON = "unknown_person"
    RECENT_DISCHARGE = "recent_discharge"
    RECENT_ATTEMPT = "recent_attempt"
    REFUSES_AGENCY = "refuses_agency"


def _is_no_cooperation_reason(value: JsonValue) -> bool:
    return isinstance(value, str) and value in {reason.value for reason in NoCooperationReason}


class ReplyNotAllowed(ValueError):
    def __init__(self, request_type: MessageType, reply_type: MessageType) -> None:
        super().__init__(f"{reply_type.value!r} cannot answer {request_type.value!r}")
        self.request_type = request_type
        self.reply_type = reply_type


def check_reply(request_type: MessageType, reply_type: MessageType) -> None:
    """Raise ReplyNotAllowed unless `reply_type` may answer `request_type`."""
    if reply_type not in ANSWERS[request_type]:
        raise ReplyNotAllowed(request_type, reply_type)


REPLY_WITHIN_WORKING_DAYS: Final = 10
ACK_WITHIN_WORKING_DAYS: Final = 5  # not fetched and acknowledged by then: escalate to the caseworker


@dataclass(frozen=True, slots=True)
class ReplyRule:
    """Deadlines of a message, in working days after the day it was sent."""

    reply_within_working_days: int | None  # None: no reply expected
    ack_within_working_days: int


REPLY_RULES: Final[Mapping[MessageType, ReplyRule]] = MappingProxyType(
    {
        message_type: ReplyRule(
            reply_within_working_days=REPLY_WITHIN_WORKING_DAYS if ANSWERS[message_type] else None,
            ack_within_working_days=ACK_WITHIN_WORKING_DAYS,
        )
        for message_type in MessageType
    }
)


def reply_due_on(message_type: MessageType, sent_on: date, country: Country) -> date | None:
    """The day a reply is due (in the agency's country's working days), or None if none is expected."""
    within = REPLY_RULES[message_type].reply_within_working_days
    return None if within is None else add_working_days(sent_on, within, country)


def ack_due_on(message_type: MessageType, sent_on: date, country: Country) -> date:
    """The day the receiver must have fetched and acknowledged the message."""
    return add_working_days(sent_on, REPLY_RULES[message_type].ack_within_working_days, country)


def conversation_id(dossier_id: str, office_id: str) -> str:
    """Everything between one dossier and one office is one conversation."""
    return f"{dossier_id}-{office_id}"


class Message(DomainModel):
    """One message of the exchange. `sender` and `receiver` are agency or office ids."""

    message_id: EntityId
    conversation_id: EntityId
    dossier_id: EntityId
    sender: EntityId
    receiver: EntityId
    type: MessageType
    created_at: UtcDatetime
    fetched_at: UtcDatetime | None = None
    acknowledged_at: UtcDatetime | None = None
    answered_at: UtcDatetime | None = None  # a request: when the office's reply came (it acknowledges it)
    reply_due_on: date | None = None
    in_reply_to: EntityId | None = None  # the message_id this one answers
    claims_received: Annotated[int, Field(ge=0)] | None = None  # a reply: how many claims came with it
    body: dict[str, JsonValue] = Field(default_factory=dict)

    @property
    def direction(self) -> Direction:
        return DIRECTIONS[self.type]

    @property
    def expects_reply(self) -> bool:
        return bool(ANSWERS[self.type])

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.fetched_at is not None and self.fetched_at < self.created_at:
            raise ValueError("fetched before it was created")
        if self.acknowledged_at is not None and (
            self.fetched_at is None or self.acknowledged_at < self.fetched_at
        ):
            raise ValueError("acknowledged before it was fetched")
        if self.reply_due_on is not None and not self.expects_reply:
            raise ValueError(f"a {self.type.value} expects no reply, so it has no reply deadline")
        if self.direction is Direction.OFFICE_TO_AGENCY and self.in_reply_to is None:
            raise ValueError(f"a {self.type.value} answers a request: in_reply_to is required")
        if self.type is MessageType.NO_COOPERATION and not _is_no_cooperation_reason(self.body.get("reason")):
            raise ValueError("a no_cooperation body needs a reason: " + ", ".join(NoCooperationReason))
        return self


def message_to_office(
    kind: MessageType,
    dossier_id: str,
    agency_id: str,
    office_id: str,
    *,
    message_id: str,
    created_at: datetime,
    reply_due_on: date | None = None,
    body: dict[str, JsonValue] | None = None,
) -> Message:
    """A message from the agency to one office, in the dossier's conversation with that office."""
    return Message(
        message_id=message_id,
        conversation_id=conversation_id(dossier_id, office_id),
        dossier_id=dossier_id,
        sender=agency_id,
        receiver=office_id,
        type=kind,
        created_at=created_at,
        reply_due_on=reply_due_on,
        body=body or {},
    )
