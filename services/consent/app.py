"""The consent API: what a caseworker's front end calls (behind API Gateway and Cognito).

Every route reads the same way: who is calling (from the verified token), what they ask (parsed
and validated), what the dossier logic decides, what the store writes, what is answered.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice

from chalice.app import Response

from respite_consent import closure, consent_receipt, dossiers
from respite_consent.consent_texts import CURRENT_VERSION, UnknownConsentText, consent_text, every_text
from respite_consent.models import (
    AccessLogPage,
    AccessLogQuery,
    ConfirmFormUpload,
    ConsentReceipt,
    ConsentRecord,
    ConsentTextList,
    ConsentTextQuery,
    ConsentTextSummary,
    ConsentTextView,
    ConsentWithdrawn,
    DocumentDownload,
    DocumentLanguage,
    DossierClosed,
    DossierPage,
    DossierRegistered,
    DossierTransferred,
    DossierView,
    ErasureList,
    ErasuresQuery,
    FormUpload,
    ListDossiers,
    OverviewQuery,
    ReadDossier,
    RegisterDossier,
    RequestFormUpload,
    SignedForm,
    StatementOfDebts,
    SubjectAccessExport,
    TransferDossier,
)
from respite_consent.models import CloseDossier as CloseRequest
from respite_consent.registration import ConsentNotProven, ImplausibleConsentDate, open_dossier
from respite_consent.statement import as_csv, as_pdf, statement_of_debts
from respite_consent.store import (
    AlreadyRegistered,
    ChangedMeanwhile,
    DossierPartition,
    DossierStore,
    Outgoing,
    form_key,
    opened_dossier,
    reply_documents,
)
from respite_consent.subject_access import access_log_entry, subject_access
from respite_consent.subject_access_pdf import render as render_pdf
from respite_core import settings
from respite_core.access_log import Action, Purpose, entry, may_claim, usual_purpose
from respite_core.api import Api, Problem, caller, json_response, parse_body, query_params
from respite_core.calendar import Country, local_date
from respite_core.callers import Caller, Role
from respite_core.domain import (
    DebtorIdentity,
    Dossier,
    DossierState,
    IllegalTransition,
    Language,
    ack_due_on,
)
from respite_core.erasure import ErasureReceipt, scheduled_erasure
from respite_core.ids import new_id, utc_now
from respite_core.overview import WEEK, StatusOverview, overview
from respite_core.problem_language import preferred_language
from respite_core.store import access_log, documents
from respite_core.store.agency_dossiers import AgencyDossiers
from respite_core.store.creditor_items import objections_of, readings_of
from respite_core.store.data_keys import DataKey, DataKeyDestroyed
from respite_core.store.directory import Directory
from respite_core.store.dossier_items import claim_from_item, message_from_item
from respite_core.store.dossier_partition import DossierItems
from respite_core.store.erasure_receipts import ErasureReceipts
from respite_core.store.items import PERSON_FIELD
from respite_core.store.listing import InvalidCursor

PDF = "application/pdf"

api = Api(
    "consent",
    title="Respite consent API",
    description="Register people in debt help with their consent, and manage their dossiers.",
)
app = api.app
app.api.binary_types.append(PDF)  # the subject-access export: API Gateway passes the bytes untouched

AGENCY_STAFF = (Role.CASEWORKER, Role.AGENCY_ADMIN)
DOSSIER_READERS = (*AGENCY_STAFF, Role.SUPERVISOR)  # a supervisor reads, for supervision
LOG_READERS = (Role.AGENCY_ADMIN, Role.SUPERVISOR)  # who may read who read a dossier
NOT_FOUND = "No dossier with this id at your agency."
ERASED = "This dossier's personal data is erased."
WITHDRAWN = "Consent was withdrawn: this dossier's personal data is erased."


def retention() -> timedelta:
    return settings.current().retention


def own_dossier(store: DossierStore, who: Caller, dossier_id: str) -> Dossier:
    """The caller's agency's dossier, or 404 — the same answer as for a dossier that does not exist."""
    dossier = store.dossier(dossier_id)
    if dossier is None or dossier.agency_id != who.agency_id:
        raise Problem(404, NOT_FOUND)
    return dossier


def own_partition(store: DossierStore, who: Caller, dossier_id: str, purpose: Purpose) -> DossierPartition:
    """For a read: a living dossier of another agency is refused as if absent, and the refusal logged."""
    partition = store.partition(dossier_id)
    if partition is None:
        raise Problem(404, NOT_FOUND)
    if partition.dossier.agency_id != who.agency_id:
        store.log_refused(
            entry(who, dossier_id, Action.READ_REFUSED, purpose, at=utc_now(), detail="tenancy")
        )
        raise Problem(404, NOT_FOUND)
    return partition


@dataclass(frozen=True)
class OpenedRead:
    """A dossier of the caller's agency opened for one read: its items, its data key, the read's time."""

    store: DossierStore
    partition: DossierPartition
    sealed_person: str
    consent: ConsentRecord
    key: DataKey
    at: datetime

    def log(self, who: Caller, action: Action, purpose: Purpose, detail: str | None = None) -> None:
        """The read in the access log, before anything is served (410 if the erasure began meanwhile:
        the fence refuses the entry and nothing is served)."""
        read = entry(who, self.partition.dossier.dossier_id, action, purpose, at=self.at, detail=detail)
        try:
            self.store.log_read(read)
        except DataKeyDestroyed:
            raise Problem(410, WITHDRAWN, kind="erased") from None

    def contents(self) -> dossiers.DossierContents:
        """Everything the dossier holds, opened with its data key."""
        partition, key = self.partition, self.key
        mails, attachments = reply_documents(partition, key)
        return dossiers.DossierContents(
            dossier=opened_dossier(partition, key),
            person=DebtorIdentity.model_validate_json(key.open(PERSON_FIELD, self.sealed_person)),
            consent=self.consent,
            claims=[claim_from_item(item, key) for item in partition.claim_items],
            messages=[message_from_item(item, key) for item in partition.message_items],
            attachments=attachments,
            mails=mails,
            transfer=partition.transfer.opened(key) if partition.transfer else None,
            meter_readings=readings_of(partition.creditor_items, key),
            objections=objections_of(partition.creditor_items, key),
        )


def open_for_reading(who: Caller, dossier_id: str, purpose: Purpose) -> OpenedRead:
    """Every read of the person starts here: the caller's agency's dossier (404 otherwise, the refusal
    logged), still holding its person (410 otherwise), its data key opened first — a read the key
    refuses is answered 410 and logs nothing. The caller then logs the read (`OpenedRead.log`)."""
    store = DossierStore()
    partition = own_partition(store, who, dossier_id, purpose)
    sealed_person, consent = partition.sealed_person, partition.consent
    if sealed_person is None or consent is None:
        raise Problem(410, ERASED, kind="erased")
    try:
        key = store.data_key(dossier_id)
    except DataKeyDestroyed:
        raise Problem(410, WITHDRAWN, kind="erased") from None
    return OpenedRead(store, partition, sealed_person, consent, key, utc_now())


def claimed(who: Caller, purpose: Purpose | None, dossier_id: str) -> Purpose:
    """The purpose the caller claims (their role's usual one when they name none); 403 when their
    role may not claim it (`respite_core.access_log.PURPOSES_OF`), before anything is read: the
    refusal is logged in the dossier's access log as a role's refusal is."""
    wanted = purpose or usual_purpose(who.role)
    if not may_claim(who.role, wanted):
        refusal = entry(who, dossier_id, Action.READ_REFUSED, wanted, at=utc_now(), detail="purpose")
        access_log.AccessLog().append_refusal(refusal)
        raise Problem(403, f"Your role may not claim the purpose {wanted.value}.", kind="purpose-not-allowed")
    return wanted


def illegal(error: IllegalTransition) -> Problem:
    return Problem(409, str(error), kind="illegal-transition")


@api.operation(
    "POST",
    "/dossiers",
    summary="Register a person with their consent",
    body=RegisterDossier,
    responses={201: DossierRegistered},
    problems=(409,),
    roles=AGENCY_STAFF,
    idempotent=True,
)
def register_dossier() -> Response:
    """Registers a person who asked for debt help, with the evidence of their consent, and opens their
    dossier at the caller's agency; the answer holds the person's consent receipt. The same person
    twice at one agency is a 409 naming the dossier. Consent dated in the future (beyond a few
    minutes' clock skew) or more than 30 days ago is a 422. Consent on a signed paper form opens the
    dossier `awaiting_signed_form`: no message goes to an office (409) until the form is uploaded and
    confirmed (`consent/form-upload`, then `consent/form`), which makes it `registered`."""
    who = caller(api.request)
    command = parse_body(api.request, RegisterDossier)
    now = utc_now()
    try:
        new = open_dossier(command, who, dossier_id=new_id(), now=now)
    except ImplausibleConsentDate as error:
        raise Problem(422, str(error), kind="implausible-consent-date") from None
    except ConsentNotProven as error:
        raise Problem(422, str(error), kind="consent-not-proven") from None
    log = entry(who, new.dossier.dossier_id, Action.REGISTERED, Purpose.CASE_WORK, at=now)
    try:
        DossierStore().register(new, log)
    except AlreadyRegistered as existing:
        raise Problem(
            409,
            "This person already has a dossier at your agency.",
            kind="already-registered",
            extra={"dossier_id": existing.dossier_id, "dossier": f"/consent/dossiers/{existing.dossier_id}"},
        ) from None
    dossier = new.dossier
    registered = DossierRegistered(
        dossier_id=dossier.dossier_id,
        agency_id=dossier.agency_id,
        state=dossier.state,
        opened_at=dossier.opened_at,
        consent_receipt=receipt_of(dossier, ConsentRecord.model_validate(new.consent.model_dump())),
    )
    return json_response(registered, 201, Location=f"/consent/dossiers/{dossier.dossier_id}")


@api.operation(
    "GET",
    "/dossiers",
    summary="List the agency's dossiers",
    query=ListDossiers,
    responses={200: DossierPage},
    problems=(422,),
    roles=AGENCY_STAFF,
)
def list_dossiers() -> Response:
    """The caller's agency's dossiers, newest first, without personal data; filter by state and by a
    deadline (a reply due or the standstill ending) within N days."""
    who = caller(api.request)
    wanted = query_params(api.request, ListDossiers)
    today = utc_now().date()

    def matches(dossier: Dossier) -> bool:
        if wanted.state is not None and dossier.state is not wanted.state:
            return False
        days = wanted.deadline_within_days
        return days is None or dossiers.is_due_within(dossier, today, days)

    try:
        found = list(
            islice(
                ((d, c) for d, c in DossierStore().listing(who.agency_id, wanted.cursor) if matches(d)),
                wanted.limit + 1,
            )
        )
    except InvalidCursor as error:
        raise Problem(400, str(error), kind="invalid-cursor") from None
    page = found[: wanted.limit]
    more = len(found) > wanted.limit
    body = DossierPage(
        dossiers=[dossiers.summary(d, today) for d, _ in page],
        next_cursor=page[-1][1] if more and page else None,
    )
    return json_response(body)


@api.operation(
    "GET",
    "/dossiers/{dossier_id}",
    summary="One dossier: the person, claims, totals, deadlines, messages",
    query=ReadDossier,
    responses={200: DossierView},
    problems=(404, 410, 422),
    roles=DOSSIER_READERS,
)
def read_dossier(dossier_id: str) -> Response:
    """The whole dossier from one query: the person (decrypted), claims grouped by creditor and class,
    totals, the standstill's end, pending replies with their deadlines, and the message history.
    The read is written to the access log (who, when, which dossier, why) before anything is served.
    The purpose must be one the caller's role may claim (a caseworker: `case_work` or `consent_proof`;
    a supervisor: `supervision` or `consent_proof`; ...): another is a 403 and nothing is read."""
    who = caller(api.request)
    purpose = claimed(who, query_params(api.request, ReadDossier).purpose, dossier_id)
    opened = open_for_reading(who, dossier_id, purpose)
    opened.log(who, Action.READ_PERSON, purpose)
    contents, now = opened.contents(), opened.at
    return json_response(dossiers.view(contents, now.date()))


@api.operation(
    "GET",
    "/dossiers/{dossier_id}/consent",
    summary="The evidence of the person's consent",
    responses={200: ConsentRecord},
    problems=(404, 410),
    roles=DOSSIER_READERS,
)
def consent_proof(dossier_id: str) -> Response:
    """Which consent text (version, language, hash), given how, captured by whom and when, the signed
    form if one was added, and the withdrawal. Logged with the purpose `consent_proof`."""
    who = caller(api.request)
    claimed(who, Purpose.CONSENT_PROOF, dossier_id)
    store = DossierStore()
    partition = own_partition(store, who, dossier_id, Purpose.CONSENT_PROOF)
    if partition.consent is None:
        raise Problem(410, "This dossier's consent record is erased.", kind="erased")
    try:  # behind the fence: once the key is gone nothing is logged, and nothing served
        store.log_read(entry(who, dossier_id, Action.READ_CONSENT, Purpose.CONSENT_PROOF, at=utc_now()))
    except DataKeyDestroyed:
        raise Problem(410, "This dossier's consent record is erased.", kind="erased") from None
    record = partition.consent.model_copy(update={"withdrawn_at": partition.dossier.withdrawn_at})
    return json_response(record)


def receipt_of(dossier: Dossier, consent: ConsentRecord) -> ConsentReceipt:
    agency = Directory().agency(dossier.agency_id)
    return consent_receipt.receipt(dossier, consent, agency.name if agency else dossier.agency_id)


@api.operation(
    "GET",
    "/dossiers/{dossier_id}/consent/receipt",
    summary="The person's consent receipt",
    responses={200: ConsentReceipt},
    problems=(404, 410),
    roles=DOSSIER_READERS,
)
def consent_receipt_json(dossier_id: str) -> Response:
    """What the person is handed as proof of their consent: the text they agreed to (version,
    language, SHA-256, the words), how and when, at which agency; whether the signed form is still
    awaited. It names nobody. Logged with the purpose `consent_proof`; `receipt.pdf` is the same as
    a PDF in the person's language."""
    return json_response(logged_receipt(dossier_id))


@api.operation(
    "GET",
    "/dossiers/{dossier_id}/consent/receipt.pdf",
    summary="The person's consent receipt as a PDF in their language",
    query=DocumentLanguage,
    responses={200: None},
    response_type=PDF,
    problems=(404, 410, 422),
    roles=DOSSIER_READERS,
)
def consent_receipt_pdf(dossier_id: str) -> Response:
    """The consent receipt laid out for the person, in Dutch, French or English: the language they
    consented in, or `lang`. Send `Accept: application/pdf`. Logged as the JSON receipt is."""
    wanted = query_params(api.request, DocumentLanguage)
    receipt = logged_receipt(dossier_id)
    language = wanted.lang or receipt.language
    return download(
        consent_receipt.render(receipt, language), PDF, f"consent-receipt-{dossier_id}.pdf", language
    )


def logged_receipt(dossier_id: str) -> ConsentReceipt:
    """The receipt of the caller's agency's dossier, its read logged (behind the fence: 410 once the
    dossier is withdrawn or erased, as the consent evidence is)."""
    who = caller(api.request)
    claimed(who, Purpose.CONSENT_PROOF, dossier_id)
    store = DossierStore()
    partition = own_partition(store, who, dossier_id, Purpose.CONSENT_PROOF)
    if partition.consent is None:
        raise Problem(410, "This dossier's consent record is erased.", kind="erased")
    read = entry(who, dossier_id, Action.READ_CONSENT, Purpose.CONSENT_PROOF, at=utc_now(), detail="receipt")
    try:
        store.log_read(read)
    except DataKeyDestroyed:
        raise Problem(410, "This dossier's consent record is erased.", kind="erased") from None
    return receipt_of(partition.dossier, partition.consent)


# --- the consent texts ------------------------------------------------------------------------------


@api.operation(
    "GET",
    "/consent-texts",
    summary="Every consent text, by version and language, with its hash",
    responses={200: ConsentTextList},
)
def list_consent_texts() -> Response:
    """Each version of the consent text in Dutch, French and English, with the SHA-256 a registration
    records as its evidence; `current` marks the version new registrations use."""
    caller(api.request)
    texts = [
        ConsentTextSummary(
            version=t.version,
            language=t.language,
            sha256=t.sha256,
            current=t.version == CURRENT_VERSION,
            text=f"/consent/consent-texts/{t.version}?lang={t.language.value}",
        )
        for t in every_text()
    ]
    return json_response(ConsentTextList(texts=texts))


@api.operation(
    "GET",
    "/consent-texts/{version}",
    summary="One consent text in one language, with its hash",
    query=ConsentTextQuery,
    responses={200: ConsentTextView},
    problems=(404, 422),
)
def read_consent_text(version: str) -> Response:
    """The words the person agrees to, in `lang` (else the first language of `Accept-Language` there is
    a text in, else English), with the SHA-256 of those words — the hash the consent evidence of a
    registration in that version and language records. The answer's `Content-Language` says which."""
    caller(api.request)
    wanted = query_params(api.request, ConsentTextQuery)
    language = wanted.lang or preferred_language(api.request.headers.get("accept-language"))
    try:
        text = consent_text(version, language)
    except UnknownConsentText:
        raise Problem(404, "There is no consent text of this version.") from None
    view = ConsentTextView(
        version=text.version,
        language=text.language,
        sha256=text.sha256,
        current=text.version == CURRENT_VERSION,
        text=text.text,
    )
    response = json_response(view, Vary="Accept-Language")
    response.headers["Content-Language"] = text.language.value
    return response


# --- the access log and the subject-access export -------------------------------------------------


@api.operation(
    "GET",
    "/dossiers/{dossier_id}/access-log",
    summary="Who read or changed the dossier, when and why (agency admins and supervisors)",
    query=AccessLogQuery,
    responses={200: AccessLogPage},
    problems=(400, 404, 410, 422),
    roles=LOG_READERS,
)
def read_access_log(dossier_id: str) -> Response:
    """The dossier's access log, newest first, a page at a time (`limit`, and the `cursor` of the
    previous page): each access's actor (user id, role, agency — or office), time, action, purpose
    and detail. No personal data. Reading it is itself logged (`read_access_log`, for `supervision`)."""
    who = caller(api.request)
    wanted = query_params(api.request, AccessLogQuery)
    purpose = claimed(who, Purpose.SUPERVISION, dossier_id)
    store = DossierStore()
    own_dossier(store, who, dossier_id)
    try:
        found = list(islice(access_log.AccessLog().newest_first(dossier_id, wanted.cursor), wanted.limit + 1))
    except InvalidCursor as error:
        raise Problem(400, str(error), kind="invalid-cursor") from None
    try:  # logged before it is served (a bad cursor above left no entry)
        store.log_read(entry(who, dossier_id, Action.READ_ACCESS_LOG, purpose, at=utc_now()))
    except DataKeyDestroyed:
        raise Problem(410, ERASED, kind="erased") from None
    page = found[: wanted.limit]
    more = len(found) > wanted.limit
    body = AccessLogPage(
        dossier_id=dossier_id,
        entries=[access_log_entry(e) for e, _ in page],
        next_cursor=page[-1][1] if more and page else None,
    )
    return json_response(body)


@api.operation(
    "GET",
    "/dossiers/{dossier_id}/subject-access",
    summary="Everything held about the person (GDPR art. 15), for the agency to hand over",
    responses={200: SubjectAccessExport},
    problems=(404, 410),
    roles=DOSSIER_READERS,
)
def subject_access_json(dossier_id: str) -> Response:
    """The person, the consent evidence, the claims by creditor, the messages with their contents,
    the offices' emails, the documents (listed: name, type, size, when — not the files), the offices
    told, the meter readings recorded for utilities and the whole access log. Logged
    (`subject_access_export`, for `subject_access`); 410 once the dossier's personal data is erased.
    `subject-access.pdf` is the same in the person's language."""
    return json_response(subject_access_export(dossier_id))


@api.operation(
    "GET",
    "/dossiers/{dossier_id}/subject-access.pdf",
    summary="The subject-access export as a PDF in the person's language",
    query=DocumentLanguage,
    responses={200: None},
    response_type=PDF,
    problems=(404, 410, 422),
    roles=DOSSIER_READERS,
)
def subject_access_pdf(dossier_id: str) -> Response:
    """The subject-access export laid out for the person, in Dutch, French or English: the language
    they consented in, or `lang`. Send `Accept: application/pdf`. Logged as the JSON export is."""
    wanted = query_params(api.request, DocumentLanguage)
    export = subject_access_export(dossier_id, wanted.lang)
    return download(
        render_pdf(export, export.language), PDF, f"subject-access-{dossier_id}.pdf", export.language
    )


def subject_access_export(dossier_id: str, language: Language | None = None) -> SubjectAccessExport:
    """The export of the caller's agency's dossier, logged; the data key is opened first, so after
    erasure nothing is logged and the answer is 410."""
    who = caller(api.request)
    purpose = claimed(who, Purpose.SUBJECT_ACCESS, dossier_id)
    opened = open_for_reading(who, dossier_id, purpose)
    opened.log(who, Action.SUBJECT_ACCESS_EXPORT, purpose)
    contents, now = opened.contents(), opened.at
    directory = Directory()
    agency = directory.agency(contents.dossier.agency_id)
    return subject_access(
        contents,
        access_log.AccessLog().entries(dossier_id),
        agency_name=agency.name if agency else contents.dossier.agency_id,
        office_names={o.office_id: o.name for o in directory.offices()},
        language=language or contents.consent.language,
        now=now,
    )


# --- the statement of debts -----------------------------------------------------------------------


CSV = "text/csv"


@api.operation(
    "GET",
    "/dossiers/{dossier_id}/statement-of-debts",
    summary="Every known debt of the person, by creditor, with the creditors' names and places",
    query=DocumentLanguage,
    responses={200: StatementOfDebts},
    problems=(404, 410, 422),
    roles=AGENCY_STAFF,
)
def statement_json(dossier_id: str) -> Response:
    """The statement of debts (for a moratorium request, a court, the person): the agency's block, the
    person, each creditor with its name, company number, postal address, claims and total; the totals
    by class and overall. In the person's language, or `lang`. Logged (`statement_of_debts`, for
    `case_work`). `statement-of-debts.csv` has one row a claim, `statement-of-debts.pdf` is printable."""
    return json_response(statement_for(dossier_id))


@api.operation(
    "GET",
    "/dossiers/{dossier_id}/statement-of-debts.csv",
    summary="The statement of debts as CSV: one row a claim",
    query=DocumentLanguage,
    responses={200: None},
    response_type=CSV,
    problems=(404, 410, 422),
    roles=AGENCY_STAFF,
)
def statement_csv(dossier_id: str) -> Response:
    """One row a claim with its creditor's name, company number and address; `;` between cells,
    amounts in euros with the decimal separator of the language. Logged as the JSON is."""
    statement = statement_for(dossier_id)
    return download(as_csv(statement), CSV, f"statement-of-debts-{dossier_id}.csv", statement.language)


@api.operation(
    "GET",
    "/dossiers/{dossier_id}/statement-of-debts.pdf",
    summary="The statement of debts as a PDF",
    query=DocumentLanguage,
    responses={200: None},
    response_type=PDF,
    problems=(404, 410, 422),
    roles=AGENCY_STAFF,
)
def statement_pdf(dossier_id: str) -> Response:
    """The statement laid out for printing, in the person's language or `lang`. Send
    `Accept: application/pdf`. Logged as the JSON is."""
    statement = statement_for(dossier_id)
    return download(as_pdf(statement), PDF, f"statement-of-debts-{dossier_id}.pdf", statement.language)


def statement_for(dossier_id: str) -> StatementOfDebts:
    who = caller(api.request)
    wanted = query_params(api.request, DocumentLanguage)
    purpose = claimed(who, Purpose.CASE_WORK, dossier_id)
    opened = open_for_reading(who, dossier_id, purpose)
    opened.log(who, Action.STATEMENT_OF_DEBTS, purpose)
    contents = opened.contents()
    directory = Directory()
    offices = {office.office_id: office for office in directory.offices()}
    return statement_of_debts(
        contents,
        agency=directory.agency(contents.dossier.agency_id),
        offices=offices,
        language=wanted.lang or contents.consent.language,
        now=opened.at,
    )


def download(body: bytes | str, content_type: str, filename: str, language: Language) -> Response:
    """A document to save, in `language`."""
    headers: dict[str, str | list[str]] = {
        "Content-Type": f"{content_type}; charset=utf-8" if content_type == CSV else content_type,
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Content-Language": language.value,
    }
    return Response(body=body, status_code=200, headers=headers)


@api.operation(
    "POST",
    "/dossiers/{dossier_id}/consent/withdrawal",
    summary="Withdraw consent: the personal data becomes unreadable at once",
    responses={200: ConsentWithdrawn},
    problems=(404, 409),
    roles=AGENCY_STAFF,
    idempotent=True,
)
def withdraw_consent(dossier_id: str) -> Response:
    """As easy as giving it: one call. The dossier's data key is destroyed first — from that moment no
    code path can decrypt the person, in the table, its backups, stream or queues — then the dossier
    becomes `withdrawn`, the change the retention service erases every remaining item on. Withdrawing
    again, until the erasure has run, answers as the first time."""
    who = caller(api.request)
    store = DossierStore()
    dossier = own_dossier(store, who, dossier_id)
    if dossier.state is DossierState.WITHDRAWN and dossier.withdrawn_at is not None:
        # a retry: its Idempotency-Key's record went with the key (nothing about the dossier is kept
        # that its erasure could miss), so the answer comes from the dossier itself
        return json_response(withdrawal_answer(store, dossier, dossier.withdrawn_at))
    now = utc_now()
    try:
        withdrawn = dossiers.withdraw(dossier, now)
    except IllegalTransition as error:
        raise illegal(error) from None
    store.destroy_data_key(dossier_id)
    log = entry(who, dossier_id, Action.CONSENT_WITHDRAWN, Purpose.CASE_WORK, at=now)
    try:
        store.change(dossier, withdrawn, log)
    except ChangedMeanwhile:
        raise Problem(409, "The dossier changed meanwhile; its data key is destroyed. Try again.") from None
    return json_response(withdrawal_answer(store, withdrawn, now))


def withdrawal_answer(store: DossierStore, withdrawn: Dossier, at: datetime) -> ConsentWithdrawn:
    """The withdrawal, with the receipt of the consent withdrawn: its evidence stays (it names nobody)
    until the erasure runs, so a retry answers as the first time."""
    partition = store.partition(withdrawn.dossier_id)
    consent = partition.consent if partition is not None else None
    return ConsentWithdrawn(
        dossier_id=withdrawn.dossier_id,
        state=withdrawn.state,
        withdrawn_at=at,
        consent_receipt=receipt_of(withdrawn, consent) if consent is not None else None,
    )


@api.operation(
    "POST",
    "/dossiers/{dossier_id}/closure",
    summary="Close the dossier; the retention clock starts",
    body=CloseRequest,
    responses={200: DossierClosed},
    problems=(404, 409),
    roles=AGENCY_STAFF,
    idempotent=True,
)
def close_dossier(dossier_id: str) -> Response:
    """Closes the dossier with a reason (no personal data). Its personal data is erased when the
    retention period (RESPITE_RETENTION_DAYS, 30 days by default) has passed. A standstill still
    running ends today. Every notified office not yet told gets a `termination` now, with the reason
    and the standstill's end (as `POST /claims/dossiers/{id}/termination` sends it), and nothing more
    at the erasure."""
    who = caller(api.request)
    command = parse_body(api.request, CloseRequest)
    store = DossierStore()
    partition = store.partition(dossier_id)
    if partition is None or partition.dossier.agency_id != who.agency_id:
        raise Problem(404, NOT_FOUND)
    dossier, now, keep = partition.dossier, utc_now(), retention()
    agency = Directory().agency(dossier.agency_id)
    if agency is None:
        raise Problem(409, "The dossier's agency is not in the directory.")
    today, country = local_date(now, Country(agency.country)), Country(agency.country)
    try:
        closed = dossiers.close(dossier, command.reason, now, keep, today=today)
    except IllegalTransition as error:
        raise illegal(error) from None
    offices = closure.offices_not_told(partition.message_items)
    try:
        items = DossierItems([*partition.message_items, *partition.claim_items])
        references = items.office_references(store.data_key(dossier_id)) if offices else {}
    except DataKeyDestroyed:
        raise Problem(410, WITHDRAWN, kind="erased") from None
    sent = [
        Outgoing(m, ack_due_on(m.type, today, country))
        for m in closure.terminations(closed, offices, agency, now, new_id, references)
    ]
    detail = f"termination to {len(sent)} offices" if sent else None
    log = entry(who, dossier_id, Action.CLOSED, Purpose.CASE_WORK, at=now, detail=detail)
    try:
        store.close(dossier, closed, log, sent, also=scheduled_erasure(dossier_id, now + keep))
    except ChangedMeanwhile:
        raise Problem(409, "The dossier changed meanwhile. Read it again.") from None
    except DataKeyDestroyed:
        raise Problem(410, WITHDRAWN, kind="erased") from None
    body = DossierClosed(
        dossier_id=dossier_id, state=closed.state, closed_at=now, retention_ends_at=now + keep
    )
    return json_response(body)


@api.operation(
    "POST",
    "/dossiers/{dossier_id}/transfer",
    summary="Move a dossier to another agency (operators only)",
    body=TransferDossier,
    responses={200: DossierTransferred},
    problems=(404, 409),
    roles=(Role.OPERATOR,),
    idempotent=True,
)
def transfer_dossier(dossier_id: str) -> Response:
    """The old agency loses access at once; the move is logged. Refused (409) when the person already
    has a dossier at the new agency, or the dossier is closed."""
    who = caller(api.request)
    command = parse_body(api.request, TransferDossier)
    store = DossierStore()
    partition = store.partition(dossier_id)
    if partition is None:
        raise Problem(404, "No dossier with this id.")
    if Directory().agency(command.to_agency_id) is None:
        raise Problem(422, "There is no such agency.", kind="unknown-agency")
    before = partition.dossier
    try:
        after = dossiers.transfer(before, command.to_agency_id)
    except IllegalTransition as error:
        raise illegal(error) from None
    except ValueError as error:
        raise Problem(422, str(error), kind="same-agency") from None
    detail = f"from:{before.agency_id} to:{after.agency_id}"
    log = entry(who, dossier_id, Action.TRANSFERRED, Purpose.TRANSFER, at=utc_now(), detail=detail)
    try:
        store.transfer(before, after, command.reason, log)
    except ChangedMeanwhile:
        raise Problem(
            409,
            "The person already has a dossier at that agency, or this one changed meanwhile.",
            kind="conflict",
        ) from None
    return json_response(
        DossierTransferred(
            dossier_id=dossier_id, from_agency_id=before.agency_id, to_agency_id=after.agency_id
        )
    )


@api.operation(
    "POST",
    "/dossiers/{dossier_id}/consent/form-upload",
    summary="Get a presigned upload for the signed consent form",
    body=RequestFormUpload,
    responses={201: FormUpload},
    problems=(404,),
    roles=AGENCY_STAFF,
    idempotent=True,
)
def request_form_upload(dossier_id: str) -> Response:
    """A one-time presigned POST to the document store: only the declared type (PDF, JPEG or PNG), at
    most 5 MB, encrypted with KMS, valid 15 minutes. Confirm it afterwards with `consent/form`."""
    who = caller(api.request)
    command = parse_body(api.request, RequestFormUpload)
    store = DossierStore()
    own_dossier(store, who, dossier_id)
    upload_id = new_id()
    post = documents.presigned_upload(form_key(dossier_id, upload_id), command.content_type)
    body = FormUpload(
        url=post["url"],
        fields=post["fields"],
        max_bytes=documents.MAX_DOCUMENT_BYTES,
        expires_at=utc_now() + documents.UPLOAD_EXPIRES,
        upload_id=upload_id,
    )
    return json_response(body, 201)


@api.operation(
    "POST",
    "/dossiers/{dossier_id}/consent/form",
    summary="Add the uploaded signed form to the consent evidence",
    body=ConfirmFormUpload,
    responses={200: SignedForm},
    problems=(404,),
    roles=AGENCY_STAFF,
    idempotent=True,
)
def confirm_form(dossier_id: str) -> Response:
    """Checks the uploaded file (size, type, and that its content really is a PDF, JPEG or PNG), seals
    it with the dossier's data key, keeps its SHA-256 as evidence, and logs the addition; a dossier
    `awaiting_signed_form` becomes `registered` with it. A file that fails the checks is deleted
    (422); so is one confirmed after the dossier was erased (404)."""
    who = caller(api.request)
    command = parse_body(api.request, ConfirmFormUpload)
    store = DossierStore()
    key = form_key(dossier_id, command.upload_id)
    try:
        dossier = own_dossier(store, who, dossier_id)
        data_key = store.data_key(dossier_id)
    except (Problem, DataKeyDestroyed):
        discard_upload_of_erased(store, dossier_id, key)
        raise Problem(404, NOT_FOUND) from None
    now = utc_now()
    try:
        document = documents.confirm_upload(key, data_key)
    except documents.InvalidDocument as error:
        raise Problem(422, str(error), kind="invalid-form") from None
    form = SignedForm(
        upload_id=command.upload_id,
        content_type=document.content_type,
        size_bytes=document.size_bytes,
        sha256=document.sha256,
        added_at=now,
    )
    try:
        store.attach_form(
            dossier,
            form,
            entry(who, dossier_id, Action.CONSENT_FORM_ADDED, Purpose.CASE_WORK, at=now),
        )
    except DataKeyDestroyed:
        documents.delete(key)  # erased meanwhile: nothing of the form stays
        raise Problem(404, NOT_FOUND) from None
    except ChangedMeanwhile:
        documents.delete(key)
        raise Problem(409, "The dossier changed meanwhile. Read it again.") from None
    except Exception:
        documents.delete(key)
        raise
    return json_response(form)


def discard_upload_of_erased(store: DossierStore, dossier_id: str, key: str) -> None:
    """An upload for an erased dossier goes at once (not after the day the incoming prefix keeps
    it). Only for an erased one: a dossier of another agency keeps its pending upload."""
    if not store.data_key_exists(dossier_id):
        documents.discard_upload(key)


@api.operation(
    "GET",
    "/dossiers/{dossier_id}/documents/{document_id}",
    summary="A short-lived link that downloads one document of the dossier",
    query=ReadDossier,
    responses={200: DocumentDownload},
    problems=(404, 410, 422),
    roles=AGENCY_STAFF,
)
def download_document(dossier_id: str, document_id: str) -> Response:
    """A document an office attached to its reply or mail: opened with the dossier's data key, copied
    for this download only and signed for 5 minutes. The read is written to the access log as the
    dossier view's is (who, when, which dossier and document, why); after an erasure: 404 or 410."""
    who = caller(api.request)
    purpose = claimed(who, query_params(api.request, ReadDossier).purpose, dossier_id)
    opened = open_for_reading(who, dossier_id, purpose)
    _, attachments = reply_documents(opened.partition, opened.key)
    found = next((a for a in attachments if a.document_id == document_id), None)
    if found is None:
        raise Problem(404, "No such document in this dossier.")
    opened.log(who, Action.READ_PERSON, purpose, detail=f"document:{document_id}")
    name = dossiers.attachment_name(found.name, found.document_id, found.content_type)
    try:
        url = documents.download_url(found.key, opened.key, name)
    except DataKeyDestroyed:
        raise Problem(410, WITHDRAWN, kind="erased") from None
    now = opened.at
    body = DocumentDownload(
        document_id=document_id,
        name=name,
        content_type=found.content_type,
        size_bytes=found.size_bytes,
        download_url=url,
        download_expires_at=now + documents.DOWNLOAD_EXPIRES,
    )
    return json_response(body)


@api.operation(
    "GET",
    "/overview",
    summary="The agency's status overview",
    query=OverviewQuery,
    responses={200: StatusOverview},
    problems=(422,),
    roles=AGENCY_STAFF,
)
def status_overview() -> Response:
    """Dossiers per state, claims received since a moment (default: a week ago), and the deadlines of
    the coming week — the content of the weekly digest. No personal data."""
    who = caller(api.request)
    now = utc_now()
    since = query_params(api.request, OverviewQuery).since or now - WEEK
    agency = AgencyDossiers()
    body = overview(
        who.agency_id, agency.all(who.agency_id), agency.claims_received(who.agency_id, since), since, now
    )
    return json_response(body)


@api.operation(
    "GET",
    "/erasures/{dossier_id}",
    summary="The receipt of a dossier's erasure (operators only)",
    responses={200: ErasureReceipt},
    problems=(404,),
    roles=(Role.OPERATOR,),
)
def erasure_receipt(dossier_id: str) -> Response:
    """Proof that a dossier was erased, for a supervisor: when, why, how many items and objects were
    removed and how many offices were told. Filed under a keyed hash of the dossier id, so the
    receipt names nobody; 404 when the dossier was never erased (or is being erased: see
    `completed_at`)."""
    receipt = ErasureReceipts().find(dossier_id)
    if receipt is None:
        raise Problem(404, "No erasure of a dossier with this id.")
    return json_response(receipt)


@api.operation(
    "GET",
    "/erasures",
    summary="The erasures of one day (operators only)",
    query=ErasuresQuery,
    responses={200: ErasureList},
    problems=(422,),
    roles=(Role.OPERATOR,),
)
def erasures_on() -> Response:
    """Every erasure started on a day (UTC), in time order; no personal data, no dossier ids."""
    day = query_params(api.request, ErasuresQuery).on
    return json_response(ErasureList(receipts=ErasureReceipts().on(day)))
