"""The claims API: where creditor offices meet the dossier, and where the agency negotiates.

Agencies (caseworker tokens) send notices, balance requests, proposals, reconsiderations, the
settlement, a termination and status requests. Offices' systems (OAuth2 client credentials) fetch
their inbox, acknowledge, reply — by API, by CSV or by a signed callback — and look up whether a
person is in debt help. Operators keep the office directory.
"""

import contextlib
import math
import os
from collections.abc import Callable, Sequence
from datetime import timedelta
from hashlib import sha256
from itertools import islice
from typing import Any

from chalice.app import Response

from respite_claims import by_token, creditors, csv_intake, exchange, office_admin
from respite_claims.models import (
    MAX_OFFICES_PER_STEP,
    Acknowledged,
    ClaimInput,
    CreditorPart,
    DocumentUpload,
    DocumentUploadRequest,
    InboxMessage,
    InboxPage,
    InboxQuery,
    IntakeReport,
    Lookup,
    LookupAnswer,
    MessagesSent,
    MeterReadingsRecorded,
    Negotiation,
    OfficeCredentials,
    OfficeListing,
    OfficeWebhook,
    PersonForOffice,
    ProposalKind,
    ProposeSettlement,
    Reconsider,
    RecordMeterReadings,
    RegisterOffice,
    RejectedRowView,
    Reply,
    ReplyAccepted,
    RequestDocument,
    RequestDocumentDownload,
    ResolveObjection,
    SendToOffices,
    SentMessage,
    SetWebhook,
    Terminate,
    ToOffices,
    WebhookSecretIssued,
)
from respite_claims.store import (
    ChangedMeanwhile,
    ClaimsStore,
    DossierDates,
    DossierRecord,
    OfficeAccounts,
)
from respite_claims.store import Outgoing as StoredMessage
from respite_core.access_log import Action, Purpose, entry, lookup_miss, office_entry
from respite_core.api import (
    Api,
    Caller,
    Problem,
    Role,
    caller,
    erased,
    json_response,
    office_caller,
    parse_body,
    query_params,
)
from respite_core.calendar import Country
from respite_core.creditor_records import CreditorStandstill
from respite_core.domain import (
    Agency,
    Dossier,
    DossierState,
    IllegalTransition,
    Message,
    MessageType,
    Office,
    ReplyNotAllowed,
    ack_due_on,
)
from respite_core.ids import new_id, utc_now
from respite_core.store import documents
from respite_core.store.data_keys import DataKeyDestroyed, DataKeys
from respite_core.store.directory import Directory
from respite_core.store.items import model_of
from respite_core.store.listing import InvalidCursor

api = Api(
    "claims",
    title="Respite claims API",
    description="Notices, the standstill, claims and one payment plan, between agencies and offices.",
)
app = api.app

AGENCY_STAFF = (Role.CASEWORKER, Role.AGENCY_ADMIN)
READ_SCOPE, WRITE_SCOPE = "respite/office.read", "respite/office.write"
LOOKUPS_PER_HOUR = int(os.environ.get("RESPITE_LOOKUPS_PER_HOUR", "60"))
# the replies that may carry claims: a pre-approved balance states the balance it accepts any plan for
CLAIM_REPLIES = {MessageType.NOTICE_ACK, MessageType.BALANCE_REPLY, MessageType.BALANCE_REPLY_PREAPPROVED}
NOT_FOUND = "No dossier with this id at your agency."
NO_MESSAGE = "No such message for your office."


# --- who is asking ------------------------------------------------------------------------------------


def agency_dossier(who: Caller, dossier_id: str, store: ClaimsStore) -> DossierRecord:
    record = store.dossier(dossier_id)
    if record is None or record.dossier.agency_id != who.agency_id:
        raise Problem(404, NOT_FOUND)
    if record.dossier.state in (DossierState.WITHDRAWN, DossierState.ERASED):  # its data key is destroyed
        raise Problem(410, "Consent was withdrawn: this dossier's personal data is erased.", kind="erased")
    return record


def calling_office(scope: str) -> tuple[Office, str]:
    """The office whose system calls, from its verified client-credentials token."""
    client = office_caller(api.request, scope=scope)
    directory = Directory()
    office_id = directory.office_of_client(client.office_client_id)
    office = directory.office(office_id) if office_id else None
    if office is None:
        raise Problem(403, "This client is not linked to an office.")
    return office, client.office_client_id


def the_agency(dossier: Dossier) -> Agency:
    agency = Directory().agency(dossier.agency_id)
    if agency is None:
        raise Problem(409, "The dossier's agency is not in the directory.")
    return agency


def offices_named(office_ids: Sequence[str]) -> dict[str, Office]:
    directory = Directory()
    found = {office_id: directory.office(office_id) for office_id in dict.fromkeys(office_ids)}
    unknown = sorted(office_id for office_id, office in found.items() if office is None)
    if unknown:
        raise Problem(422, f"Unknown offices: {', '.join(unknown)}.", kind="unknown-office")
    return {office_id: office for office_id, office in found.items() if office is not None}


# --- the agency sends -----------------------------------------------------------------------------------


def send_step(
    kind: MessageType,
    dossier_id: str,
    office_ids: Sequence[str],
    body_for: Callable[[str], dict[str, Any]] = lambda office_id: {},
) -> Response:
    """One message of `kind` to each office, the dossier's step and its log entry, in one transaction."""
    if len(office_ids) > MAX_OFFICES_PER_STEP:  # e.g. every office notified, over several steps
        raise Problem(
            422,
            f"At most {MAX_OFFICES_PER_STEP} offices in one step: name them in turns.",
            kind="too-many-offices",
        )
    who = caller(api.request)
    store = ClaimsStore()
    record = agency_dossier(who, dossier_id, store)
    agency, now = the_agency(record.dossier), utc_now()
    first_notice = kind is MessageType.NOTICE and record.dossier.standstill_starts_on is None
    persons_end = store.persons_standstill_ends_on(dossier_id) if first_notice else None
    try:
        outgoing = exchange.send(
            kind,
            record.dossier,
            agency,
            office_ids,
            now,
            new_id,
            body_for,
            persons_standstill_ends_on=persons_end,
        )
    except IllegalTransition as error:
        raise Problem(409, str(error), kind="illegal-transition") from None
    except exchange.NotNow as error:
        raise Problem(409, str(error), kind="not-now") from None
    messages = [*record.messages, *outgoing.messages]
    dates = DossierDates(
        exchange.next_deadline(outgoing.dossier, messages), exchange.standstill_warning_on(outgoing.dossier)
    )
    country = Country(agency.country)
    stored = [StoredMessage(m, ack_due_on(m.type, now.date(), country)) for m in outgoing.messages]
    detail = f"{kind.value} to {len(stored)} offices"
    log = entry(
        who,
        dossier_id,
        Action.SENT_TO_OFFICES,
        Purpose.CREDITOR_EXCHANGE,
        at=now,
        detail=detail,
    )
    try:
        store.send(record.dossier, outgoing.dossier, stored, record, dates, log)
    except ChangedMeanwhile:
        raise Problem(409, "The dossier changed meanwhile. Read it again.") from None
    after = outgoing.dossier
    body = MessagesSent(
        dossier_id=dossier_id,
        state=after.state,
        standstill_ends_on=after.standstill_ends_on,
        messages=[
            SentMessage(
                message_id=m.message_id, office_id=m.receiver, type=m.type, reply_due_on=m.reply_due_on
            )
            for m in outgoing.messages
        ],
    )
    return json_response(body, 201)


def notified_or_named(record: DossierRecord, office_ids: Sequence[str]) -> list[str]:
    notified = exchange.notified_offices(record.messages)
    if not office_ids:
        return notified
    strangers = sorted(set(office_ids) - set(notified))
    if strangers:
        raise Problem(422, f"These offices were not notified: {', '.join(strangers)}.", kind="not-notified")
    return list(dict.fromkeys(office_ids))


@api.operation(
    "GET",
    "/offices",
    summary="The office directory",
    responses={200: OfficeListing},
    roles=(*AGENCY_STAFF, Role.OPERATOR),
)
def list_offices() -> Response:
    """Every bailiff office and creditor known to the platform, to pick from the person's letters. The
    offices' webhook URLs are shown to operators only."""
    return json_response(office_admin.listing_for(caller(api.request), Directory().offices()))


@api.operation(
    "POST",
    "/dossiers/{dossier_id}/notices",
    summary="Tell offices the person is in debt help",
    body=ToOffices,
    responses={201: MessagesSent},
    problems=(404, 409, 410),
    roles=AGENCY_STAFF,
    idempotent=True,
)
def send_notices(dossier_id: str) -> Response:
    """One `notice` per office the agency found in the person's letters. The first notice starts the
    standstill: enforcement pauses until a settlement is agreed or three months pass. Claims with an
    announced public sale or a laid garnishment continue and are flagged so in the dossier."""
    wanted = parse_body(api.request, ToOffices)
    offices_named(wanted.office_ids)
    record = agency_dossier(caller(api.request), dossier_id, ClaimsStore())
    try:
        fresh = exchange.not_yet_notified(wanted.office_ids, record.messages)
    except exchange.NotNow as error:
        raise Problem(409, str(error), kind="already-notified") from None
    return send_step(MessageType.NOTICE, dossier_id, fresh, lambda office_id: {"standstill": "requested"})


@api.operation(
    "POST",
    "/dossiers/{dossier_id}/balance-requests",
    summary="Ask offices for their balance",
    body=SendToOffices,
    responses={201: MessagesSent},
    problems=(404, 409, 410),
    roles=AGENCY_STAFF,
    idempotent=True,
)
def request_balances(dossier_id: str) -> Response:
    """A `balance_request` (saldoverzoek) to each named office, or to every notified office."""
    wanted = parse_body(api.request, SendToOffices)
    record = agency_dossier(caller(api.request), dossier_id, ClaimsStore())
    return send_step(MessageType.BALANCE_REQUEST, dossier_id, notified_or_named(record, wanted.office_ids))


@api.operation(
    "POST",
    "/dossiers/{dossier_id}/status-requests",
    summary="Ask offices for a status report",
    body=SendToOffices,
    responses={201: MessagesSent},
    problems=(404, 409, 410),
    roles=AGENCY_STAFF,
    idempotent=True,
)
def request_status(dossier_id: str) -> Response:
    wanted = parse_body(api.request, SendToOffices)
    record = agency_dossier(caller(api.request), dossier_id, ClaimsStore())
    return send_step(MessageType.STATUS_REQUEST, dossier_id, notified_or_named(record, wanted.office_ids))


@api.operation(
    "POST",
    "/dossiers/{dossier_id}/documents",
    summary="Upload a budget calculation (VTLB) PDF",
    body=DocumentUploadRequest,
    responses={201: DocumentUpload},
    problems=(404, 410),
    roles=AGENCY_STAFF,
    idempotent=True,
)
def request_document_upload(dossier_id: str) -> Response:
    """A presigned upload for a PDF that proposals can carry (offices flagged `vtlb_required` need one)."""
    parse_body(api.request, DocumentUploadRequest)
    agency_dossier(caller(api.request), dossier_id, ClaimsStore())
    document_id = new_id()
    post = documents.presigned_upload(budget_key(dossier_id, document_id), documents.DocumentType.PDF)
    body = DocumentUpload(
        url=post["url"],
        fields=post["fields"],
        document_id=document_id,
        max_bytes=documents.MAX_DOCUMENT_BYTES,
    )
    return json_response(body, 201)


def budget_key(dossier_id: str, document_id: str) -> str:
    return documents.budget_document_key(dossier_id, document_id)


@api.operation(
    "POST",
    "/dossiers/{dossier_id}/proposals",
    summary="Propose one payment plan to every creditor",
    body=ProposeSettlement,
    responses={201: MessagesSent},
    problems=(404, 409, 410),
    roles=AGENCY_STAFF,
    idempotent=True,
)
def propose(dossier_id: str) -> Response:
    """Instalments (the monthly repayment capacity over 36 months, pro rata per creditor class, exact to
    the cent) or a buy-out (one percentage of every claim). Each creditor office receives its own part.
    Offices flagged `vtlb_required` receive it only with the budget calculation PDF (else 422)."""
    wanted = parse_body(api.request, ProposeSettlement)
    budget_id = wanted.budget_document_id
    try:
        record = agency_dossier(caller(api.request), dossier_id, ClaimsStore())
    except Problem:
        if budget_id is not None:
            discard_budget_of_erased(dossier_id, budget_id)
        raise
    try:
        parts = exchange.proposal_parts(
            wanted.kind,
            record.claims,
            monthly_capacity=wanted.monthly_capacity,
            percentage_bp=wanted.percentage_bp,
        )
    except exchange.NotNow as error:
        raise Problem(422, str(error), kind="no-plan") from None
    offices = offices_named([p.office_id for p in parts])
    budget, sealed_now = budget_document(record, budget_id)
    try:
        needing = sorted(o.office_id for o in offices.values() if o.vtlb_required)
        if needing and budget is None:
            raise Problem(
                422,
                f"These offices need the budget calculation PDF: {', '.join(needing)}.",
                kind="vtlb-required",
            )
        by_office = {p.office_id: p for p in parts}

        def body_for(office_id: str) -> dict[str, Any]:
            return proposal_body(wanted.kind, by_office[office_id], budget)

        return send_step(MessageType.PROPOSAL, dossier_id, list(by_office), body_for)
    except Exception:
        if sealed_now:  # sealed for this proposal, which was not sent: nothing half-written stays
            documents.delete(budget_key(dossier_id, str(budget_id)))
        raise


def budget_document(record: DossierRecord, document_id: str | None) -> tuple[dict[str, Any] | None, bool]:
    """The budget PDF the proposal refers to, and whether it was sealed just now: confirmed from its
    upload the first time a proposal names it, the sealed document itself after that."""
    if document_id is None:
        return None, False
    key = budget_key(record.dossier.dossier_id, document_id)
    try:
        data_key = record.data_key
    except DataKeyDestroyed:
        documents.discard_upload(key)
        raise Problem(
            410, "Consent was withdrawn: this dossier's personal data is erased.", kind="erased"
        ) from None
    found = documents.sealed_document(key, data_key)
    sealed_now = found is None
    if found is None:
        try:
            found = documents.confirm_upload(key, data_key, frozenset({documents.DocumentType.PDF}))
        except documents.InvalidDocument as error:
            raise Problem(422, str(error), kind="invalid-document") from None
    return {"document_id": document_id, "sha256": found.sha256, "size_bytes": found.size_bytes}, sealed_now


def discard_budget_of_erased(dossier_id: str, document_id: str) -> None:
    """An upload for an erased dossier goes at once; a dossier of another agency keeps its own."""
    if not DataKeys().exists(dossier_id):
        documents.discard_upload(budget_key(dossier_id, document_id))


def proposal_body(kind: ProposalKind, part: CreditorPart, budget: dict[str, Any] | None) -> dict[str, Any]:
    body: dict[str, Any] = {"kind": kind.value, **part.model_dump(mode="json", exclude_none=True)}
    if budget is not None:
        body["budget_document"] = budget
    return body


@api.operation(
    "POST",
    "/dossiers/{dossier_id}/reconsiderations",
    summary="Ask offices to reconsider",
    body=Reconsider,
    responses={201: MessagesSent},
    problems=(404, 409, 410),
    roles=AGENCY_STAFF,
    idempotent=True,
)
def reconsider(dossier_id: str) -> Response:
    """A `reconsideration` (heroverweging) of the latest proposal, to the named offices or to every office
    that rejected it."""
    wanted = parse_body(api.request, Reconsider)
    record = agency_dossier(caller(api.request), dossier_id, ClaimsStore())
    latest = exchange.latest_proposals(record.messages)
    office_ids = list(wanted.office_ids) or exchange.tally(record.messages).rejected
    missing = sorted(set(office_ids) - set(latest))
    if missing or not office_ids:
        raise Problem(
            409, "Only an office that received a proposal can be asked to reconsider.", kind="not-now"
        )

    def body_for(office_id: str) -> dict[str, Any]:
        return {**latest[office_id].body, **({"comment": wanted.comment} if wanted.comment else {})}

    return send_step(MessageType.RECONSIDERATION, dossier_id, office_ids, body_for)


@api.operation(
    "POST",
    "/dossiers/{dossier_id}/settlement",
    summary="Record that every creditor agreed",
    responses={201: MessagesSent},
    problems=(404, 409, 410),
    roles=AGENCY_STAFF,
    idempotent=True,
)
def settle(dossier_id: str) -> Response:
    """`settlement_agreed` to every notified office once every creditor accepted the plan (or accepted in
    advance); the standstill ends today and the 36-month plan runs. 409 names the offices still missing.
    Every utility creditor of the plan needs its meter readings recorded first (422
    `meter-readings-required` names those lacking them); each gets its own readings with the settlement."""
    record = agency_dossier(caller(api.request), dossier_id, ClaimsStore())
    blockers = exchange.settlement_blockers(record.messages)
    if blockers:
        raise Problem(
            409,
            f"Not every creditor agreed: {', '.join(blockers)}.",
            kind="not-agreed",
            extra={"offices": blockers},
        )
    notified = exchange.notified_offices(record.messages)
    creditors.require_readings(record)
    return send_step(
        MessageType.SETTLEMENT_AGREED, dossier_id, notified, lambda o: creditors.settlement_body(record, o)
    )


@api.operation(
    "POST",
    "/dossiers/{dossier_id}/termination",
    summary="End the debt help",
    body=Terminate,
    responses={201: MessagesSent},
    problems=(404, 409, 410),
    roles=AGENCY_STAFF,
    idempotent=True,
)
def terminate(dossier_id: str) -> Response:
    wanted = parse_body(api.request, Terminate)
    record = agency_dossier(caller(api.request), dossier_id, ClaimsStore())
    offices = exchange.notified_offices(record.messages)
    return send_step(
        MessageType.TERMINATION, dossier_id, offices, lambda office_id: {"reason": wanted.reason}
    )


@api.operation(
    "GET",
    "/dossiers/{dossier_id}/negotiation",
    summary="Where the negotiation stands",
    responses={200: Negotiation},
    problems=(404,),
    roles=AGENCY_STAFF,
)
def negotiation(dossier_id: str) -> Response:
    """The latest proposal's part for each creditor, who accepted, rejected or has not answered, and
    each answer's reason and comment (a rejection's why)."""
    record = agency_dossier(caller(api.request), dossier_id, ClaimsStore())
    latest = exchange.latest_proposals(record.messages)
    parts = [model_of(CreditorPart, m.body) for m in latest.values()]
    kinds = {str(m.body.get("kind")) for m in latest.values()}
    body = Negotiation(
        dossier_id=dossier_id,
        state=record.dossier.state,
        standstill_ends_on=record.dossier.standstill_ends_on,
        proposal_kind=ProposalKind(kinds.pop()) if len(kinds) == 1 else None,
        total_outstanding=sum(c.outstanding for c in record.claims),
        total_offered=sum(p.offered for p in parts),
        parts=sorted(parts, key=lambda p: p.office_id),
        tally=exchange.tally(record.messages),
        answers=exchange.proposal_answers(record.messages),
        standstill=creditors.standstill_by_creditor(
            record, Country(the_agency(record.dossier).country), utc_now()
        ),
        meter_readings_missing=creditors.readings_missing(record),
    )
    return json_response(body)


@api.operation(
    "POST",
    "/dossiers/{dossier_id}/meter-readings",
    summary="Record a utility creditor's meter readings",
    body=RecordMeterReadings,
    responses={201: MeterReadingsRecorded},
    problems=(404, 409, 410),
    roles=AGENCY_STAFF,
    idempotent=True,
)
def record_meter_readings(dossier_id: str) -> Response:
    """The household's meter readings (EAN or meter number, kind, register, reading, the day it was
    read: within the last year) for a notified office flagged `utility`; recording again replaces
    them. A settlement needs them for every utility creditor and carries them to it. Sealed with the
    dossier's data key; shown in the dossier view."""
    who = caller(api.request)
    wanted = parse_body(api.request, RecordMeterReadings)
    store = ClaimsStore()
    record = agency_dossier(who, dossier_id, store)
    office = offices_named([wanted.office_id])[wanted.office_id]
    country = Country(the_agency(record.dossier).country)
    recorded = creditors.record_meter_readings(who, record, office, wanted, country, utc_now(), store)
    return json_response(recorded, 201)


@api.operation(
    "POST",
    "/dossiers/{dossier_id}/objection-resolutions",
    summary="Resolve an office's objection to the standstill",
    body=ResolveObjection,
    responses={200: CreditorStandstill},
    problems=(404, 409, 410),
    roles=AGENCY_STAFF,
    idempotent=True,
)
def resolve_objection(dossier_id: str) -> Response:
    """An office's `objection` marks its creditor's standstill `objected` (in the negotiation and the
    dossier view). It does not end the standstill: the pause is not the creditor's to refuse. The
    caseworker deals with it (the principal withdraws it, or the agency holds to the standstill) and
    records how: the creditor's standstill reads `running` again, the objection stays on record."""
    who = caller(api.request)
    wanted = parse_body(api.request, ResolveObjection)
    store = ClaimsStore()
    record = agency_dossier(who, dossier_id, store)
    country = Country(the_agency(record.dossier).country)
    return json_response(creditors.resolve_objection(who, record, wanted, country, utc_now(), store))


# --- the office's side ------------------------------------------------------------------------------


def office_request(
    office: Office, dossier_id: str, message_id: str, store: ClaimsStore
) -> tuple[DossierRecord, Message]:
    """The request addressed to this office, or 404 — the same for a message of another office."""
    record = store.dossier(dossier_id)
    if record is None:
        raise Problem(404, NO_MESSAGE)
    try:
        request = record.message(message_id)
    except DataKeyDestroyed:
        raise Problem(410, "This dossier's personal data is erased.", kind="erased") from None
    if request is None or request.receiver != office.office_id:
        raise Problem(404, NO_MESSAGE)
    return record, request


def take_reply(
    office: Office, client_id: str, dossier_id: str, message_id: str, reply: Reply
) -> ReplyAccepted:
    """An office's reply by API or signed callback: typed, checked against its request, stored at once."""
    store = ClaimsStore()
    record, request = office_request(office, dossier_id, message_id, store)
    if reply.claims and reply.type not in CLAIM_REPLIES:
        raise Problem(422, f"A {reply.type.value} carries no claims.", kind="no-claims-here")
    now = utc_now()
    try:
        message = exchange.answer(request, reply, record.dossier, office.office_id, now, new_id())
    except ReplyNotAllowed as error:
        raise Problem(422, str(error), kind="reply-not-allowed") from None
    except exchange.NotNow as error:
        raise Problem(409, str(error), kind="dossier-closed") from None
    claims = [
        exchange.to_claim(
            c, dossier_id, office.office_id, store.claim_id(dossier_id, office.office_id, c.office_reference)
        )
        for c in reply.claims
    ]
    duplicates = len({c.claim_id for c in claims}) != len(claims)
    if duplicates:
        raise Problem(422, "The same office_reference appears twice.", kind="duplicate-reference")
    dates = DossierDates(
        exchange.next_deadline(record.dossier, [*record.messages, message]),
        exchange.standstill_warning_on(record.dossier),
    )
    log = office_entry(
        office.office_id,
        client_id,
        dossier_id,
        Action.ANSWERED_BY_OFFICE,
        Purpose.CREDITOR_EXCHANGE,
        at=now,
        detail=reply.type.value,
    )
    objection = creditors.objection_of(reply, message)
    try:
        store.reply(record, request, message, claims, dates=dates, now=now, log=log, objection=objection)
    except ChangedMeanwhile:
        raise Problem(409, "This request is answered already.", kind="answered") from None
    except DataKeyDestroyed:  # erased since it was read: the fence wrote nothing
        raise erased() from None
    if claims:
        store.consolidate(record.dossier, message.message_id, len(claims), now)
    return ReplyAccepted(
        message_id=message.message_id, in_reply_to=message_id, type=message.type, claims_stored=len(claims)
    )


@api.operation(
    "POST",
    "/dossiers/{dossier_id}/messages/{message_id}/replies",
    summary="Answer a request",
    body=Reply,
    responses={201: ReplyAccepted},
    problems=(404, 409, 410),
    roles=(),
    office_scope=WRITE_SCOPE,
    idempotent=True,
)
def reply_to(dossier_id: str, message_id: str) -> Response:
    """The reply's type must be one the catalogue allows for the request (a `proposal_accept` cannot
    answer a `notice`); `notice_ack`, `balance_reply` and `balance_reply_preapproved` may carry claims (at
    most 50: upload more as CSV); `no_cooperation` needs its reason, `proposal_reject` may give one."""
    office, client_id = calling_office(WRITE_SCOPE)
    reply = parse_body(api.request, Reply)
    return json_response(take_reply(office, client_id, dossier_id, message_id, reply), 201)


@api.operation(
    "POST",
    "/callbacks/{dossier_id}/{message_id}",
    summary="Answer a request by signed callback",
    body=Reply,
    responses={201: ReplyAccepted},
    problems=(401, 404, 409, 410),
    roles=(),
    headers={
        "webhook-id": "The message's id, unique per reply: a replay with the same id has no second effect.",
        "webhook-timestamp": "When it was signed, in seconds since the epoch: within 5 minutes of now.",
        "webhook-signature": (
            "`v1,<base64 HMAC-SHA256 of <webhook-id>.<webhook-timestamp>.<body>>` with the office's "
            "webhook secret (Standard Webhooks); several space-separated signatures are allowed."
        ),
    },
)
def callback(dossier_id: str, message_id: str) -> Response:
    """The notice's callback URL. The office's system posts its reply signed per Standard Webhooks with
    its webhook secret (`webhook-id`, `webhook-timestamp` within 5 minutes, `webhook-signature`); every
    secret valid during a rotation is accepted. A replayed `webhook-id` is answered as the first time
    and has no second effect."""
    from respite_claims import signatures

    request = api.request
    raw = request.raw_body if isinstance(request.raw_body, bytes) else str(request.raw_body or "").encode()
    store = ClaimsStore()
    record = store.dossier(dossier_id)
    try:
        addressee = record.message(message_id) if record is not None else None
    except DataKeyDestroyed:  # erased: the caller is not yet known to be the office, so say no more
        addressee = None
    office = Directory().office(addressee.receiver) if addressee is not None else None
    if office is None:
        raise Problem(404, NO_MESSAGE)
    now = utc_now()
    secrets = [s.secret for s in Directory().webhook_secrets(office.office_id, now)]
    try:
        webhook_id = signatures.verify(raw, dict(request.headers), secrets)
    except signatures.BadSignature as error:
        raise Problem(401, str(error), kind="bad-signature") from None
    reply = parse_body(request, Reply)

    def run() -> Response:
        return json_response(
            take_reply(office, f"webhook:{office.office_id}", dossier_id, message_id, reply), 201
        )

    from respite_core.api import replayable

    # the record is about the dossier: pointed to from it (behind the fence), erased with it
    return replayable(
        webhook_id, f"claims:callback:{office.office_id}", request, run, about_dossier=dossier_id
    )


@api.operation(
    "POST",
    "/dossiers/{dossier_id}/messages/{message_id}/claims.csv",
    summary="Answer with claims uploaded as CSV",
    responses={201: IntakeReport},
    problems=(400, 404, 409, 410, 413, 415, 422),
    roles=(),
    office_scope=WRITE_SCOPE,
    idempotent=True,
    request_type="text/csv",
    also_accepts=("application/octet-stream",),
)
def upload_claims(dossier_id: str, message_id: str) -> Response:
    """The claims as `;`-separated CSV (docs/claims-csv.md), sent as `text/csv` or, as generated clients
    send a file, `application/octet-stream` (the same bytes, read alike). Each row is checked; the
    report names the rejected rows by line, the valid rows are stored. A file with no valid row is a 422
    naming every row's problems (`rejected`): it stores nothing and answers nothing, so the office can
    send a corrected file or reply otherwise. The first upload answers the request (a
    `notice_ack` to a notice, a `balance_reply` to a balance request); uploading again updates the same
    claims — an office's file reference identifies a claim — and duplicates nothing."""
    office, client_id = calling_office(WRITE_SCOPE)
    request = api.request
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith(("text/csv", "application/csv", "application/octet-stream")):
        raise Problem(415, "Send the claims as text/csv.")
    raw = request.raw_body if isinstance(request.raw_body, bytes) else str(request.raw_body or "").encode()
    try:
        parsed = csv_intake.parse_answer(raw)
    except csv_intake.UnreadableUpload as error:
        status = (
            413
            if error.kind == "too_large"
            else 422
            if error.kind in ("bad_header", "wrong_delimiter", "no_valid_row")
            else 400
        )
        rejected = [
            RejectedRowView(line=r.line, field=r.field, reason=r.reason).model_dump() for r in error.rejected
        ]
        raise Problem(
            status,
            str(error),
            kind=f"csv-{error.kind.replace('_', '-')}",
            extra={"rejected": rejected} if rejected else None,
        ) from None
    store = ClaimsStore()
    record, req = office_request(office, dossier_id, message_id, store)
    reply_type = {
        MessageType.NOTICE: MessageType.NOTICE_ACK,
        MessageType.BALANCE_REQUEST: MessageType.BALANCE_REPLY,
    }.get(req.type)
    if reply_type is None:
        raise Problem(422, f"Claims do not answer a {req.type.value}.", kind="reply-not-allowed")
    if record.dossier.state not in exchange.ANSWERABLE_IN:
        raise Problem(
            409, f"the dossier is {record.dossier.state.value}: it takes no replies", kind="dossier-closed"
        )
    claims = [
        exchange.to_claim(
            ClaimInput.model_validate(
                {
                    "office_reference": row.office_reference,
                    "principal_creditor": row.principal_creditor,
                    "creditor_class": row.creditor_class,
                    "principal": row.principal,
                    "interest": row.interest,
                    "costs": row.costs,
                    "paid": row.paid,
                    "title_kind": row.title.kind,
                    "title_description": row.title.description,
                    "public_sale_announced_on": row.enforcement.public_sale_announced_on,
                    "garnishment_laid": row.enforcement.garnishment_laid,
                }
            ),
            dossier_id,
            office.office_id,
            store.claim_id(dossier_id, office.office_id, row.office_reference),
        )
        for row in parsed.rows
    ]
    now = utc_now()
    store.put_claims(record, claims, now)
    answered = next((m for m in record.messages if m.in_reply_to == message_id), None)
    reply_id = answered.message_id if answered else new_id()
    if answered is None:
        message = exchange.answer(
            req,
            Reply(type=reply_type),
            record.dossier,
            office.office_id,
            now,
            reply_id,
            claims_received=len(claims),
        )
        dates = DossierDates(
            exchange.next_deadline(record.dossier, [*record.messages, message]),
            exchange.standstill_warning_on(record.dossier),
        )
        log = office_entry(
            office.office_id,
            client_id,
            dossier_id,
            Action.ANSWERED_BY_OFFICE,
            Purpose.CREDITOR_EXCHANGE,
            at=now,
            detail=f"{reply_type.value} by csv",
        )
        with contextlib.suppress(ChangedMeanwhile):  # answered meanwhile by a concurrent upload: claims stay
            store.reply(record, req, message, [], dates=dates, now=now, log=log)
    if claims:
        store.consolidate(record.dossier, f"{reply_id}-{sha256(raw).hexdigest()[:16]}", len(claims), now)
    report = IntakeReport(
        message_id=reply_id,
        in_reply_to=message_id,
        accepted=len(claims),
        rejected=[RejectedRowView(line=r.line, field=r.field, reason=r.reason) for r in parsed.rejected],
    )
    return json_response(report, 201)


def person_for(office: Office, record: DossierRecord) -> PersonForOffice:
    person = record.person()
    return PersonForOffice(
        given_names=person.given_names,
        family_name=person.family_name,
        birth_date=person.birth_date,
        address=person.address,
        national_number=person.national_number if office.public else None,
    )


@api.operation(
    "GET",
    "/inbox",
    summary="The office's unacknowledged messages",
    query=InboxQuery,
    responses={200: InboxPage},
    problems=(400, 422),
    roles=(),
    office_scope=READ_SCOPE,
)
def inbox() -> Response:
    """Oldest first, paginated (`GET /claims/inbox.csv` gives the same page as a spreadsheet). Each
    message names the person as far as the office needs to find its file (the national number only for
    offices flagged `public`), and its callback URL. Fetching is logged; a message not fetched and
    acknowledged within 5 working days is escalated to the caseworker."""
    return json_response(inbox_page())


@api.operation(
    "GET",
    "/inbox.csv",
    summary="The office's unacknowledged messages as CSV",
    query=InboxQuery,
    responses={200: None},
    response_type="text/csv",
    problems=(400, 422),
    roles=(),
    office_scope=READ_SCOPE,
)
def inbox_as_csv() -> Response:
    """The inbox page as `;`-separated CSV (the dialect of docs/claims-csv.md), one row per message:
    fetching it counts as fetching the inbox. The next page's cursor, when there is one, is in the
    `Respite-Next-Cursor` header."""
    page = inbox_page()
    headers: dict[str, str | list[str]] = {"Content-Type": "text/csv; charset=utf-8"}
    if page.next_cursor is not None:
        headers["Respite-Next-Cursor"] = page.next_cursor
    return Response(body=inbox_csv(page), status_code=200, headers=headers)


def inbox_page() -> InboxPage:
    """The calling office's inbox page the query asks for; each message fetched is logged and marked."""
    office, client_id = calling_office(READ_SCOPE)
    wanted = query_params(api.request, InboxQuery)
    store, now, directory = ClaimsStore(), utc_now(), Directory()
    try:
        pointers = list(islice(store.inbox(office.office_id, wanted.cursor), wanted.limit + 1))
    except InvalidCursor as error:
        raise Problem(400, str(error), kind="invalid-cursor") from None
    page, messages = pointers[: wanted.limit], []
    agencies: dict[str, Agency] = {}
    for pointer, _ in page:
        record = store.dossier(str(pointer["dossier_id"]))
        if record is None:
            continue
        try:
            message = record.message(str(pointer["message_id"]))
            person = person_for(office, record)
        except DataKeyDestroyed:
            continue  # consent withdrawn: nothing to show, the retention service removes the pointer
        if message is None:
            continue
        # the agency that sent it, though the dossier may have moved since
        agency = agencies.setdefault(
            message.sender, directory.agency(message.sender) or the_agency(record.dossier)
        )
        try:
            store.log(
                office_entry(
                    office.office_id,
                    client_id,
                    message.dossier_id,
                    Action.READ_BY_OFFICE,
                    Purpose.CREDITOR_EXCHANGE,
                    at=now,
                    detail=message.message_id,
                )
            )
        except DataKeyDestroyed:
            continue  # erased since its key was opened: not logged, so not served
        store.mark_fetched(message.dossier_id, message.message_id, now)
        messages.append(
            InboxMessage(
                message_id=message.message_id,
                conversation_id=message.conversation_id,
                dossier_id=message.dossier_id,
                type=message.type,
                created_at=message.created_at,
                reply_due_on=message.reply_due_on,
                ack_due_on=str(pointer["ack_due_on"]),
                agency_id=agency.agency_id,
                agency_name=agency.name,
                agency_language=agency.language,
                person=person,
                body=dict(message.body),
                documents=request_documents(message),
                callback_url=callback_url(message),
            )
        )
    more = len(pointers) > wanted.limit
    return InboxPage(messages=messages, next_cursor=page[-1][1] if more and page else None)


def callback_url(message: Message) -> str:
    base = os.environ.get("RESPITE_PUBLIC_URL", "").rstrip("/")
    return f"{base}/claims/callbacks/{message.dossier_id}/{message.message_id}"


def document_url(message: Message, document_id: str) -> str:
    base = os.environ.get("RESPITE_PUBLIC_URL", "").rstrip("/")
    return (
        f"{base}/claims/dossiers/{message.dossier_id}/messages/{message.message_id}/documents/{document_id}"
    )


def request_documents(message: Message) -> list[RequestDocument]:
    """The documents a request carries to its office, each with the route that downloads it."""
    budget = message.body.get("budget_document")
    if not isinstance(budget, dict) or not isinstance(budget.get("document_id"), str):
        return []
    document_id = str(budget["document_id"])
    return [
        RequestDocument(
            document_id=document_id,
            name=documents.budget_document_name(document_id),
            content_type=documents.DocumentType.PDF.value,
            size_bytes=int(str(budget.get("size_bytes", 0))),
            sha256=str(budget.get("sha256", "")),
            url=document_url(message, document_id),
        )
    ]


@api.operation(
    "GET",
    "/dossiers/{dossier_id}/messages/{message_id}/documents/{document_id}",
    summary="A short-lived link that downloads a document a request carries",
    responses={200: RequestDocumentDownload},
    problems=(404, 410),
    roles=(),
    office_scope=READ_SCOPE,
)
def download_request_document(dossier_id: str, message_id: str, document_id: str) -> Response:
    """The budget calculation (VTLB) PDF of a proposal, for the office the proposal was sent to (any
    other office: 404, as for a message that does not exist): opened with the dossier's data key,
    copied for this download only and signed for 5 minutes. The read is in the dossier's access log,
    with the office as its reader."""
    office, client_id = calling_office(READ_SCOPE)
    store = ClaimsStore()
    record, request = office_request(office, dossier_id, message_id, store)
    found = next((d for d in request_documents(request) if d.document_id == document_id), None)
    if found is None:
        raise Problem(404, "No such document with this message.")
    now = utc_now()
    read = office_entry(
        office.office_id,
        client_id,
        dossier_id,
        Action.READ_BY_OFFICE,
        Purpose.CREDITOR_EXCHANGE,
        at=now,
        detail=f"document:{document_id}",
    )
    try:
        store.log(read)  # before anything is served: an erasure meanwhile refuses the entry
        url = documents.download_url(budget_key(dossier_id, document_id), record.data_key, found.name)
    except DataKeyDestroyed:
        raise erased() from None
    body = RequestDocumentDownload(
        document_id=document_id,
        name=found.name,
        content_type=found.content_type,
        size_bytes=found.size_bytes,
        download_url=url,
        download_expires_at=now + documents.DOWNLOAD_EXPIRES,
    )
    return json_response(body)


INBOX_COLUMNS = (
    "message_id",
    "dossier_id",
    "type",
    "created_at",
    "reply_due_on",
    "ack_due_on",
    "agency",
    "family_name",
    "given_names",
    "birth_date",
    "street",
    "number",
    "postal_code",
    "city",
    "country",
    "national_number",
    "callback_url",
)


def inbox_csv(page: InboxPage) -> str:
    rows = [
        (
            m.message_id,
            m.dossier_id,
            m.type.value,
            m.created_at.isoformat(),
            str(m.reply_due_on or ""),
            m.ack_due_on.isoformat(),
            m.agency_name,
            m.person.family_name,
            m.person.given_names,
            m.person.birth_date.isoformat(),
            m.person.address.street,
            m.person.address.number,
            m.person.address.postal_code,
            m.person.address.city,
            m.person.address.country.value,
            m.person.national_number.compact if m.person.national_number else "",
            m.callback_url,
        )
        for m in page.messages
    ]
    return csv_intake.to_csv(INBOX_COLUMNS, rows)


@api.operation(
    "POST",
    "/dossiers/{dossier_id}/messages/{message_id}/acknowledgement",
    summary="Acknowledge a message",
    responses={200: Acknowledged},
    problems=(404,),
    roles=(),
    office_scope=WRITE_SCOPE,
    idempotent=True,
)
def acknowledge(dossier_id: str, message_id: str) -> Response:
    """The message leaves the inbox; the agency sees it was received."""
    office, _ = calling_office(WRITE_SCOPE)
    store = ClaimsStore()
    _, message = office_request(office, dossier_id, message_id, store)
    if message.answered_at is not None and message.acknowledged_at is not None:
        # its answer acknowledged it (and took it out of the inbox): acknowledging again changes nothing
        return json_response(Acknowledged(message_id=message_id, acknowledged_at=message.acknowledged_at))
    now = utc_now()
    try:
        store.acknowledge(office.office_id, message, now)
    except ChangedMeanwhile:
        raise Problem(404, "This message is not in your inbox (acknowledged already?).") from None
    return json_response(Acknowledged(message_id=message_id, acknowledged_at=now))


@api.operation(
    "POST",
    "/lookup",
    summary="Is this person in debt help?",
    body=Lookup,
    responses={200: LookupAnswer},
    problems=(429,),
    roles=(),
    office_scope=READ_SCOPE,
)
def lookup() -> Response:
    """Answers yes or no, and the agencies' names and contact addresses — nothing else. Rate-limited per
    office over a sliding hour (429 with `Retry-After` in seconds); every lookup is logged without the
    number: a match in the access log of each dossier found, a miss in the office's own log."""
    office, client_id = calling_office(READ_SCOPE)
    wanted = parse_body(api.request, Lookup)
    store, now = ClaimsStore(), utc_now()
    wait = store.take_rate(f"lookup#{office.office_id}", LOOKUPS_PER_HOUR, timedelta(hours=1), now)
    if wait is not None:
        raise Problem(
            429,
            f"At most {LOOKUPS_PER_HOUR} lookups an hour.",
            kind="rate-limited",
            headers={"Retry-After": str(max(1, math.ceil(wait.total_seconds())))},
        )
    number = wanted.national_number
    open_states = {
        DossierState.REGISTERED,
        DossierState.NOTIFIED,
        DossierState.NEGOTIATING,
        DossierState.SETTLED,
    }
    agencies = []
    directory = Directory()
    for registration in store.registrations(number.country.value, number.compact):
        dossier = store.dossier_summary(str(registration["dossier_id"]))
        if dossier is None or dossier.state not in open_states:
            continue
        try:
            store.log(
                office_entry(
                    office.office_id,
                    client_id,
                    dossier.dossier_id,
                    Action.LOOKED_UP,
                    Purpose.CREDITOR_LOOKUP,
                    at=now,
                )
            )
        except DataKeyDestroyed:
            continue  # consent withdrawn: the person is no longer in debt help here
        agency = directory.agency(dossier.agency_id)
        if agency is not None:
            agencies.append({"name": agency.name, "contact_email": agency.contact_email})
    if not agencies:
        store.log_lookup_miss(lookup_miss(office.office_id, client_id, at=now))
    return json_response(LookupAnswer(in_debt_help=bool(agencies), agencies=agencies))


# --- operators: the office directory ------------------------------------------------------------------------


@api.operation(
    "POST",
    "/offices",
    summary="Register an office and its system's credentials",
    body=RegisterOffice,
    responses={201: OfficeCredentials},
    problems=(409,),
    roles=(Role.OPERATOR,),
    idempotent=True,
    secrets=("client_secret", "webhook_secret"),
)
def register_office(**_: str) -> Response:
    """Adds the office to the directory, creates its system's OAuth2 client (client credentials, office
    scopes) and its first webhook secret. The secrets are shown this once: a retry with the same
    Idempotency-Key answers 409 `secret-shown-once` with the office and client ids, never the secrets."""
    caller(api.request)
    office = parse_body(api.request, RegisterOffice).office
    directory = Directory()
    if directory.office(office.office_id) is not None:
        raise Problem(409, "An office with this id exists.", kind="office-exists")
    office_admin.check_webhook_url(office.webhook_url)  # as the sender will, before every delivery
    directory.put_office(office)
    client_id, client_secret = OfficeAccounts().create_client(office.office_id)
    directory.link_client(client_id, office.office_id)
    secret = directory.add_webhook_secret(office.office_id, utc_now())
    body = OfficeCredentials(
        office_id=office.office_id,
        client_id=client_id,
        client_secret=client_secret,
        webhook_secret=secret.secret,
    )
    return json_response(body, 201)


@api.operation(
    "POST",
    "/offices/{office_id}/webhook-secrets",
    summary="Rotate an office's webhook secret",
    responses={201: WebhookSecretIssued},
    problems=(404,),
    roles=(Role.OPERATOR,),
    idempotent=True,
    secrets=("webhook_secret",),
)
def rotate_webhook_secret(office_id: str) -> Response:
    """A new secret; the previous one stays valid for 7 days so the office can switch without a gap.
    The secret is shown this once: a retry with the same Idempotency-Key answers 409
    `secret-shown-once` with the secret's id, never the secret."""
    caller(api.request)
    if Directory().office(office_id) is None:
        raise Problem(404, "No such office.")
    return json_response(office_admin.rotate_webhook_secret(office_id, utc_now()), 201)


# --- an office's own settings -------------------------------------------------------------------------


@api.operation(
    "GET",
    "/webhook",
    summary="Your webhook URL",
    responses={200: OfficeWebhook},
    roles=(),
    office_scope=READ_SCOPE,
)
def own_webhook() -> Response:
    """Where your webhooks go (only you and operators see it; null: nowhere, email only)."""
    office = calling_office(READ_SCOPE)[0]
    return json_response(OfficeWebhook(office_id=office.office_id, webhook_url=office.webhook_url))


@api.operation(
    "POST",
    "/webhook",
    summary="Set or change your webhook URL",
    body=SetWebhook,
    responses={200: OfficeWebhook},
    roles=(),
    office_scope=WRITE_SCOPE,
    idempotent=True,
)
def set_webhook(**_: str) -> Response:
    """Where the platform posts your signed webhooks (`null`: none, email only). Checked now as before
    every delivery: https only, no credentials in the URL, a host that resolves to public addresses
    only (422 `unsafe-webhook-url` says why). Your webhook secrets stay as they are."""
    office = calling_office(WRITE_SCOPE)[0]
    wanted = parse_body(api.request, SetWebhook)
    return json_response(office_admin.set_webhook_url(office, wanted.webhook_url))


@api.operation(
    "POST",
    "/webhook/secrets",
    summary="Rotate your webhook secret",
    responses={201: WebhookSecretIssued},
    roles=(),
    office_scope=WRITE_SCOPE,
    idempotent=True,
    secrets=("webhook_secret",),
)
def rotate_own_webhook_secret(**_: str) -> Response:
    """A new secret for your webhooks and callbacks; the previous one stays valid for 7 days so you can
    switch without a gap. Shown this once: a retry with the same Idempotency-Key answers 409
    `secret-shown-once`."""
    office = calling_office(WRITE_SCOPE)[0]
    return json_response(office_admin.rotate_webhook_secret(office.office_id, utc_now()), 201)


by_token.register(api, take_reply)  # the link page's form: POST /replies/by-token/{token}
