"""The claims API: where creditor offices meet the dossier, and where the agency negotiates.

Agencies (caseworker tokens) send notices, balance requests, proposals, reconsiderations, the
settlement, a termination and status requests. Offices' systems (OAuth2 client credentials) fetch
their inbox, acknowledge, reply — by API, by CSV or by a signed callback — and look up whether a
person is in debt help. Operators keep the office directory.

This module only declares the routes: each parses its input, calls one function of the application
layer (`respite_claims`: sending, negotiation, replies, inbox, lookups, office_admin) and answers
its result; a `Problem` raised there is the answer.
"""

from functools import partial

from chalice.app import Response

from respite_claims import by_token, lookups, models, office_admin, replies, sending
from respite_claims import inbox as office_inbox  # `inbox` and `negotiation` name routes (operationIds)
from respite_claims import negotiation as negotiating
from respite_claims.access import calling_office
from respite_core.api import Api, caller, json_response, parse_body, query_params, replayable
from respite_core.callers import OFFICE_READ, OFFICE_WRITE, Role
from respite_core.creditor_records import CreditorStandstill
from respite_core.domain import MessageType
from respite_core.ids import utc_now
from respite_core.store.directory import Directory

api = Api(
    "claims",
    title="Respite claims API",
    description="Notices, the standstill, claims and one payment plan, between agencies and offices.",
)
app = api.app

AGENCY_STAFF = (Role.CASEWORKER, Role.AGENCY_ADMIN)
READ_SCOPE, WRITE_SCOPE = OFFICE_READ, OFFICE_WRITE
# what most operations share: a step of the agency's exchange, an office system's read or write
agency_step = partial(api.operation, problems=(404, 409, 410), roles=AGENCY_STAFF, idempotent=True)
office_read = partial(api.operation, roles=(), office_scope=READ_SCOPE)
office_write = partial(api.operation, roles=(), office_scope=WRITE_SCOPE, idempotent=True)


@api.operation(
    "GET",
    "/offices",
    summary="The office directory",
    responses={200: models.OfficeListing},
    roles=(*AGENCY_STAFF, Role.OPERATOR),
)
def list_offices() -> Response:
    """Every bailiff office and creditor known to the platform, to pick from the person's letters. The
    offices' webhook URLs are shown to operators only."""
    return json_response(office_admin.listing_for(caller(api.request), Directory().offices()))


@agency_step(
    "POST",
    "/dossiers/{dossier_id}/notices",
    summary="Tell offices the person is in debt help",
    body=models.ToOffices,
    responses={201: models.MessagesSent},
)
def send_notices(dossier_id: str) -> Response:
    """One `notice` per office the agency found in the person's letters. The first notice starts the
    standstill: enforcement pauses until a settlement is agreed or three months pass. Claims with an
    announced public sale or a laid garnishment continue and are flagged so in the dossier."""
    wanted = parse_body(api.request, models.ToOffices)
    return json_response(sending.send_notices(caller(api.request), dossier_id, wanted), 201)


@agency_step(
    "POST",
    "/dossiers/{dossier_id}/balance-requests",
    summary="Ask offices for their balance",
    body=models.SendToOffices,
    responses={201: models.MessagesSent},
)
def request_balances(dossier_id: str) -> Response:
    """A `balance_request` (saldoverzoek) to each named office, or to every notified office."""
    wanted = parse_body(api.request, models.SendToOffices)
    sent = sending.ask_offices(caller(api.request), dossier_id, MessageType.BALANCE_REQUEST, wanted)
    return json_response(sent, 201)


@agency_step(
    "POST",
    "/dossiers/{dossier_id}/status-requests",
    summary="Ask offices for a status report",
    body=models.SendToOffices,
    responses={201: models.MessagesSent},
)
def request_status(dossier_id: str) -> Response:
    wanted = parse_body(api.request, models.SendToOffices)
    sent = sending.ask_offices(caller(api.request), dossier_id, MessageType.STATUS_REQUEST, wanted)
    return json_response(sent, 201)


@api.operation(
    "POST",
    "/dossiers/{dossier_id}/documents",
    summary="Upload a budget calculation (VTLB) PDF",
    body=models.DocumentUploadRequest,
    responses={201: models.DocumentUpload},
    problems=(404, 410),
    roles=AGENCY_STAFF,
    idempotent=True,
)
def request_document_upload(dossier_id: str) -> Response:
    """A presigned upload for a PDF that proposals can carry (offices flagged `vtlb_required` need one)."""
    parse_body(api.request, models.DocumentUploadRequest)
    return json_response(sending.budget_upload(caller(api.request), dossier_id), 201)


@agency_step(
    "POST",
    "/dossiers/{dossier_id}/proposals",
    summary="Propose one payment plan to every creditor",
    body=models.ProposeSettlement,
    responses={201: models.MessagesSent},
)
def propose(dossier_id: str) -> Response:
    """Instalments (the monthly repayment capacity over 36 months, pro rata per creditor class, exact to
    the cent) or a buy-out (one percentage of every claim). Each creditor office receives its own part.
    Offices flagged `vtlb_required` receive it only with the budget calculation PDF (else 422)."""
    wanted = parse_body(api.request, models.ProposeSettlement)
    return json_response(negotiating.propose(caller(api.request), dossier_id, wanted), 201)


# a GET on the proposals' own path, not a path of its own: the stack is at CloudFormation's limit of
# 500 resources, and a new path costs three (the resource, its method, its CORS preflight)
@api.operation(
    "GET",
    "/dossiers/{dossier_id}/proposals",
    summary="Preview a payment plan without proposing it",
    query=models.PlanQuery,
    responses={200: models.ProposalPreview},
    problems=(404, 410),
    roles=AGENCY_STAFF,
)
def preview_proposal(dossier_id: str) -> Response:
    """What `POST .../proposals` with these figures would offer each creditor office and each creditor
    class, computed by the same calculation (exact to the cent): nothing is stored or sent. It names
    the offices that need the budget calculation PDF too."""
    wanted = query_params(api.request, models.PlanQuery)
    return json_response(negotiating.preview(caller(api.request), dossier_id, wanted))


@agency_step(
    "POST",
    "/dossiers/{dossier_id}/reconsiderations",
    summary="Ask offices to reconsider",
    body=models.Reconsider,
    responses={201: models.MessagesSent},
)
def reconsider(dossier_id: str) -> Response:
    """A `reconsideration` (heroverweging) of the latest proposal, to the named offices or to every office
    that rejected it."""
    wanted = parse_body(api.request, models.Reconsider)
    return json_response(negotiating.reconsider(caller(api.request), dossier_id, wanted), 201)


@agency_step(
    "POST",
    "/dossiers/{dossier_id}/settlement",
    summary="Record that every creditor agreed",
    responses={201: models.MessagesSent},
)
def settle(dossier_id: str) -> Response:
    """`settlement_agreed` to every notified office once every creditor accepted the plan (or accepted in
    advance); the standstill ends today and the 36-month plan runs. 409 names the offices still missing.
    Every utility creditor of the plan needs its meter readings recorded first (422
    `meter-readings-required` names those lacking them); each gets its own readings with the settlement."""
    return json_response(negotiating.settle(caller(api.request), dossier_id), 201)


@agency_step(
    "POST",
    "/dossiers/{dossier_id}/termination",
    summary="End the debt help",
    body=models.Terminate,
    responses={201: models.MessagesSent},
)
def terminate(dossier_id: str) -> Response:
    wanted = parse_body(api.request, models.Terminate)
    return json_response(negotiating.terminate(caller(api.request), dossier_id, wanted), 201)


@api.operation(
    "GET",
    "/dossiers/{dossier_id}/negotiation",
    summary="Where the negotiation stands",
    responses={200: models.Negotiation},
    problems=(404,),
    roles=AGENCY_STAFF,
)
def negotiation(dossier_id: str) -> Response:
    """The latest proposal's part for each creditor, who accepted, rejected or has not answered, and
    each answer's reason and comment (a rejection's why)."""
    return json_response(negotiating.where_it_stands(caller(api.request), dossier_id))


@agency_step(
    "POST",
    "/dossiers/{dossier_id}/meter-readings",
    summary="Record a utility creditor's meter readings",
    body=models.RecordMeterReadings,
    responses={201: models.MeterReadingsRecorded},
)
def record_meter_readings(dossier_id: str) -> Response:
    """The household's meter readings (EAN or meter number, kind, register, reading, the day it was
    read: within the last year) for a notified office flagged `utility`; recording again replaces
    them. A settlement needs them for every utility creditor and carries them to it. Sealed with the
    dossier's data key; shown in the dossier view."""
    who = caller(api.request)
    wanted = parse_body(api.request, models.RecordMeterReadings)
    return json_response(negotiating.record_meter_readings(who, dossier_id, wanted), 201)


@agency_step(
    "POST",
    "/dossiers/{dossier_id}/objection-resolutions",
    summary="Resolve an office's objection to the standstill",
    body=models.ResolveObjection,
    responses={200: CreditorStandstill},
)
def resolve_objection(dossier_id: str) -> Response:
    """An office's `objection` marks its creditor's standstill `objected` (in the negotiation and the
    dossier view). It does not end the standstill: the pause is not the creditor's to refuse. The
    caseworker deals with it (the principal withdraws it, or the agency holds to the standstill) and
    records how: the creditor's standstill reads `running` again, the objection stays on record."""
    who = caller(api.request)
    wanted = parse_body(api.request, models.ResolveObjection)
    return json_response(negotiating.resolve_objection(who, dossier_id, wanted))


@office_write(
    "POST",
    "/dossiers/{dossier_id}/messages/{message_id}/replies",
    summary="Answer a request",
    body=models.Reply,
    responses={201: models.ReplyAccepted},
    problems=(404, 409, 410),
)
def reply_to(dossier_id: str, message_id: str) -> Response:
    """The reply's type must be one the catalogue allows for the request (a `proposal_accept` cannot
    answer a `notice`); `notice_ack`, `balance_reply` and `balance_reply_preapproved` may carry claims (at
    most 50: upload more as CSV); `no_cooperation` needs its reason, `proposal_reject` may give one."""
    office, client_id = calling_office(api.request, WRITE_SCOPE)
    reply = parse_body(api.request, models.Reply)
    return json_response(replies.take_reply(office, client_id, dossier_id, message_id, reply), 201)


@api.operation(
    "POST",
    "/callbacks/{dossier_id}/{message_id}",
    summary="Answer a request by signed callback",
    body=models.Reply,
    responses={201: models.ReplyAccepted},
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
    request = api.request
    signed = replies.signed_callback(dossier_id, message_id, request.raw_body, request.headers)
    reply = parse_body(request, models.Reply)

    def run() -> Response:
        accepted = replies.take_reply(signed.office, signed.client_id, dossier_id, message_id, reply)
        return json_response(accepted, 201)

    # the record is about the dossier: pointed to from it (behind the fence), erased with it
    return replayable(signed.webhook_id, signed.replay_scope, request, run, about_dossier=dossier_id)


@office_write(
    "POST",
    "/dossiers/{dossier_id}/messages/{message_id}/claims.csv",
    summary="Answer with claims uploaded as CSV",
    responses={201: models.IntakeReport},
    problems=(400, 404, 409, 410, 413, 415, 422),
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
    office, client_id = calling_office(api.request, WRITE_SCOPE)
    content_type, raw = api.request.headers.get("content-type", ""), api.request.raw_body
    report = replies.upload_claims(office, client_id, dossier_id, message_id, content_type, raw)
    return json_response(report, 201)


@office_read(
    "GET",
    "/inbox",
    summary="The office's unacknowledged messages",
    query=models.InboxQuery,
    responses={200: models.InboxPage},
    problems=(400, 422),
)
def inbox() -> Response:
    """Oldest first, paginated (`GET /claims/inbox.csv` gives the same page as a spreadsheet). Each
    message names the person as far as the office needs to find its file (the national number only for
    offices flagged `public`), and its callback URL. Fetching is logged; a message not fetched and
    acknowledged within 5 working days is escalated to the caseworker."""
    office, client_id = calling_office(api.request, READ_SCOPE)
    return json_response(
        office_inbox.inbox_page(office, client_id, query_params(api.request, models.InboxQuery))
    )


@office_read(
    "GET",
    "/inbox.csv",
    summary="The office's unacknowledged messages as CSV",
    query=models.InboxQuery,
    responses={200: None},
    response_type="text/csv",
    problems=(400, 422),
)
def inbox_as_csv() -> Response:
    """The inbox page as `;`-separated CSV (the dialect of docs/claims-csv.md), one row per message:
    fetching it counts as fetching the inbox. The next page's cursor, when there is one, is in the
    `Respite-Next-Cursor` header."""
    office, client_id = calling_office(api.request, READ_SCOPE)
    page = office_inbox.inbox_page(office, client_id, query_params(api.request, models.InboxQuery))
    cursor = {"Respite-Next-Cursor": page.next_cursor} if page.next_cursor is not None else {}
    headers: dict[str, str | list[str]] = {"Content-Type": "text/csv; charset=utf-8", **cursor}
    return Response(body=office_inbox.inbox_csv(page), status_code=200, headers=headers)


@office_read(
    "GET",
    "/dossiers/{dossier_id}/messages/{message_id}/documents/{document_id}",
    summary="A short-lived link that downloads a document a request carries",
    responses={200: models.RequestDocumentDownload},
    problems=(404, 410),
)
def download_request_document(dossier_id: str, message_id: str, document_id: str) -> Response:
    """The budget calculation (VTLB) PDF of a proposal, for the office the proposal was sent to (any
    other office: 404, as for a message that does not exist): opened with the dossier's data key,
    copied for this download only and signed for 5 minutes. The read is in the dossier's access log,
    with the office as its reader."""
    office, client_id = calling_office(api.request, READ_SCOPE)
    return json_response(
        office_inbox.download_document(office, client_id, dossier_id, message_id, document_id)
    )


@office_write(
    "POST",
    "/dossiers/{dossier_id}/messages/{message_id}/acknowledgement",
    summary="Acknowledge a message",
    responses={200: models.Acknowledged},
    problems=(404,),
)
def acknowledge(dossier_id: str, message_id: str) -> Response:
    """The message leaves the inbox; the agency sees it was received."""
    office = calling_office(api.request, WRITE_SCOPE)[0]
    return json_response(office_inbox.acknowledge(office, dossier_id, message_id))


@office_read(
    "POST",
    "/lookup",
    summary="Is this person in debt help?",
    body=models.Lookup,
    responses={200: models.LookupAnswer},
    problems=(429,),
)
def lookup() -> Response:
    """Answers yes or no, and the agencies' names and contact addresses — nothing else. Rate-limited per
    office over a sliding hour (429 with `Retry-After` in seconds); every lookup is logged without the
    number: a match in the access log of each dossier found, a miss in the office's own log."""
    office, client_id = calling_office(api.request, READ_SCOPE)
    wanted = parse_body(api.request, models.Lookup)
    return json_response(lookups.look_up(office, client_id, wanted))


@api.operation(
    "POST",
    "/offices",
    summary="Register an office and its system's credentials",
    body=models.RegisterOffice,
    responses={201: models.OfficeCredentials},
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
    office = parse_body(api.request, models.RegisterOffice).office
    return json_response(office_admin.register(office, utc_now()), 201)


@api.operation(
    "POST",
    "/offices/{office_id}/webhook-secrets",
    summary="Rotate an office's webhook secret",
    responses={201: models.WebhookSecretIssued},
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
    return json_response(office_admin.rotate_secret_of(office_id, utc_now()), 201)


@office_read(
    "GET",
    "/webhook",
    summary="Your webhook URL",
    responses={200: models.OfficeWebhook},
)
def own_webhook() -> Response:
    """Where your webhooks go (only you and operators see it; null: nowhere, email only)."""
    office = calling_office(api.request, READ_SCOPE)[0]
    return json_response(models.OfficeWebhook(office_id=office.office_id, webhook_url=office.webhook_url))


@office_write(
    "POST",
    "/webhook",
    summary="Set or change your webhook URL",
    body=models.SetWebhook,
    responses={200: models.OfficeWebhook},
)
def set_webhook(**_: str) -> Response:
    """Where the platform posts your signed webhooks (`null`: none, email only). Checked now as before
    every delivery: https only, no credentials in the URL, a host that resolves to public addresses
    only (422 `unsafe-webhook-url` says why). Your webhook secrets stay as they are."""
    office = calling_office(api.request, WRITE_SCOPE)[0]
    wanted = parse_body(api.request, models.SetWebhook)
    return json_response(office_admin.set_webhook_url(office, wanted.webhook_url))


@office_write(
    "POST",
    "/webhook/secrets",
    summary="Rotate your webhook secret",
    responses={201: models.WebhookSecretIssued},
    secrets=("webhook_secret",),
)
def rotate_own_webhook_secret(**_: str) -> Response:
    """A new secret for your webhooks and callbacks; the previous one stays valid for 7 days so you can
    switch without a gap. Shown this once: a retry with the same Idempotency-Key answers 409
    `secret-shown-once`."""
    office = calling_office(api.request, WRITE_SCOPE)[0]
    return json_response(office_admin.rotate_webhook_secret(office.office_id, utc_now()), 201)


by_token.register(api)  # the link page's form: POST /replies/by-token/{token}
