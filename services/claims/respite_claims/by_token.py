"""Answering a request from the link page: `POST /claims/replies/by-token/{token}` (an HTML form).

The reference token is the authorization: it opens one request for one office, so the form needs no
caseworker or office token. The answer goes through the same `take_reply` as the API and the signed
callback (same checks, same transaction, same feed item), as the office (`link:<office_id>` in the
access log). An attachment (PDF, JPEG or PNG, at most 5 MB) is checked by its signature, sealed with
the dossier's data key in the document bucket under the dossier and recorded beside the reply; a
larger one the page's upload form sent to S3 is taken from the incoming prefix the same way.

It answers pages, not problems: 303 to the link page's thank-you on success; a page naming each
field to correct (422), "answered already" (409), "not this request" (403, a form whose
`message_id` is not the token's), 404 / 410 for a token that opens nothing, 413 for a form too large.
Every value shown is escaped by the templates.
"""

import html
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from chalice.app import Response
from pydantic import ValidationError

from respite_claims.models import Reply, ReplyAccepted
from respite_claims.replies import take_reply
from respite_core import pages, table_keys
from respite_core.api import Api, Problem
from respite_core.domain import Language, MessageType
from respite_core.forms import FormData, FormTooLarge, MalformedForm, UploadedFile, parse_form
from respite_core.ids import new_id, utc_now
from respite_core.money import MAX_CENTS, parse_euros
from respite_core.resources import TableName
from respite_core.store import documents, reference_tokens
from respite_core.store.data_keys import DataKey, DataKeyDestroyed, DataKeys
from respite_core.store.directory import Directory
from respite_core.store.dossier_items import attachment_item, attachment_name_field
from respite_core.store.fence import write_about
from respite_core.store.table import Table
from respite_core.wording import language_or_default

FORM_TYPES = ["multipart/form-data", "application/x-www-form-urlencoded"]
MAX_FORM_BYTES = documents.MAX_DOCUMENT_BYTES + 256 * 1024  # the attachment and the typed fields
CLAIM_ROWS = 5
AMOUNTS = ("principal", "interest", "costs", "paid")
CLAIM_TEXTS = ("office_reference", "principal_creditor", "creditor_class")
LINK_PAGE = "/notifications/r/{token}"


def register(api: Api) -> None:
    """Add the route to the claims app (a form, not an `Api.operation`: it answers pages)."""
    app = api.app
    if "multipart/form-data" not in app.api.binary_types:
        app.api.binary_types.append("multipart/form-data")  # API Gateway passes the bytes untouched

    @app.route("/replies/by-token/{token}", methods=["POST"], content_types=FORM_TYPES)
    def reply_by_token(token: str) -> Response:
        return answer(api, token)


def answer(api: Api, token: str) -> Response:
    now = utc_now()
    try:
        grant = reference_tokens.resolve(token, now)
    except (reference_tokens.UnknownToken, reference_tokens.TokenGone) as refused:
        return pages.link_refused(refused)
    office = Directory().office(grant.office_id)
    if office is None:
        return pages.link_not_valid()
    request = api.request
    raw = request.raw_body if isinstance(request.raw_body, bytes) else str(request.raw_body or "").encode()
    language = Language(office.language)
    try:
        form = parse_form(request.headers.get("content-type", ""), raw, max_bytes=MAX_FORM_BYTES)
    except FormTooLarge:
        return _refused(language, 413, "too_large", token)
    except MalformedForm:
        return _refused(language, 400, "not_accepted", token)
    language = language_or_default(form.value("lang"), language)
    words = pages.words(language)
    if form.value("message_id") and form.value("message_id") != grant.message_id:
        return _refused(language, 403, "not_this_request", token)

    reply, errors = reply_from(form, words)
    upload = form.files.get("attachment")
    if upload is not None:
        try:
            documents.check(upload.content_type, upload.data)
        except documents.InvalidDocument:
            errors.append(f"{words['attachment']}: {words['invalid_document']}")
        if len(upload.data) > documents.MAX_INLINE_BYTES:  # API Gateway and Lambda refuse it in AWS
            errors.append(f"{words['attachment']}: {words['inline_too_large']}")
    upload_id = "" if upload is not None else form.value("upload_id")
    if upload_id and not documents.is_document_id(upload_id):
        errors.append(f"{words['large_attachment']}: {words['invalid_document']}")
    if errors or reply is None:
        return _not_accepted(language, errors, token)
    try:
        attached = _attachment(grant, upload, upload_id)
    except DataKeyDestroyed:
        return pages.link_gone()
    except documents.InvalidDocument:
        return _not_accepted(language, [f"{words['large_attachment']}: {words['invalid_document']}"], token)
    try:
        accepted = take_reply(office, f"link:{office.office_id}", grant.dossier_id, grant.message_id, reply)
        if attached is not None:
            filename = upload.filename if upload else ""
            _record_attachment(grant, office.office_id, accepted, *attached, now, filename)
    except (Problem, DataKeyDestroyed) as refused:
        if attached is not None:
            documents.delete(attached[0].key)  # no record of it was written: the document goes too
        if isinstance(refused, DataKeyDestroyed):
            return pages.link_gone()
        return _problem_page(refused, language, token)
    except Exception:
        if attached is not None:
            documents.delete(attached[0].key)
        raise
    done = LINK_PAGE.format(token=token) + "/done" + (f"?lang={language.value}" if form.value("lang") else "")
    return Response(
        body=f'<!DOCTYPE html><p><a href="{html.escape(done)}">{html.escape(words["thanks"])}</a></p>',
        status_code=303,
        headers={**pages.PAGE_HEADERS, "Location": done},
    )


def reply_from(form: FormData, words: Mapping[str, str]) -> tuple[Reply | None, list[str]]:
    """The typed reply in the form, or the errors to show (labelled as the form labels its fields)."""
    errors: list[str] = []
    reply_type = form.value("type")
    reason = form.value("reason") or None
    if reply_type == MessageType.PROPOSAL_REJECT.value:
        reason = form.value("rejection_reason") or None  # the office's own words, if any
    elif reply_type != MessageType.NO_COOPERATION.value:
        reason = None  # the reason select only counts with no cooperation
    elif reason is None:
        errors.append(f"{words['reason']}: {words['reason_required']}")
    claims: list[dict[str, Any]] = []
    for n in range(CLAIM_ROWS):
        row = {name: form.value(f"claims-{n}-{name}") for name in (*CLAIM_TEXTS, *AMOUNTS)}
        if not any(row[name] for name in ("office_reference", "principal_creditor", *AMOUNTS)):
            continue  # an empty row (its class select always has a value)
        where = words["claim_n"].format(n=n + 1)
        claim: dict[str, Any] = {
            "office_reference": row["office_reference"],
            "principal_creditor": row["principal_creditor"],
            "creditor_class": row["creditor_class"] or "ordinary",
        }
        for name in ("office_reference", "principal_creditor", "principal"):
            if not row[name]:
                errors.append(f"{where} - {words[name]}: {words['field_required']}")
        for amount in AMOUNTS:
            if not row[amount]:
                continue
            try:
                cents = parse_euros(row[amount])
            except ValueError:
                errors.append(f"{where} - {words[amount]}: {words['field_amount']}")
                continue
            if cents > MAX_CENTS:  # the bound of every path (`Cents`), said in the office's language
                errors.append(f"{where} - {words[amount]}: {words['field_too_large']}")
            else:
                claim[amount] = cents
        owed = sum(int(claim.get(amount, 0)) for amount in ("principal", "interest", "costs"))
        every_amount_read = all(amount in claim for amount in AMOUNTS if row[amount])
        if every_amount_read and int(claim.get("paid", 0)) > owed:
            errors.append(f"{where} - {words['paid']}: {words['field_overpaid']}")
        claims.append(claim)
    references = [line.strip() for line in form.value("file_references").splitlines() if line.strip()]
    data: dict[str, Any] = {
        "type": reply_type,
        "reason": reason,
        "file_references": references,
        "claims": claims,
    }
    if form.value("comment"):
        data["comment"] = form.value("comment")
    if errors:
        return None, errors
    try:
        return Reply.model_validate(data), []
    except ValidationError as error:
        return None, [
            _labelled(e["loc"], e["msg"], e["type"], words) for e in error.errors(include_input=False)
        ]


def _labelled(loc: tuple[int | str, ...], message: str, kind: str, words: Mapping[str, str]) -> str:
    """A validation error as the form names the field (pydantic's own words for the rare rest)."""
    reason = words["field_choice"] if kind in ("enum", "literal_error") else message
    match loc:
        case ("claims", int(n), str(name), *_):
            label = f"{words['claim_n'].format(n=n + 1)} - {words.get(name, name)}"
        case ("claims", int(n), *_):
            label = words["claim_n"].format(n=n + 1)
        case ("file_references", *_):
            label = words["file_references"]
        case (str(name), *_):
            label = words.get({"type": "reply_type"}.get(name, name), name)
        case _:
            label = words["answer"]
    return f"{label}: {reason}"


def _uploaded_key(grant: reference_tokens.TokenGrant, upload_id: str) -> str:
    """The larger file the link page's upload form sent for this request (`upload_id`): the key
    comes from the token's request, so an id cannot reach another's."""
    return documents.reply_document_key(grant.dossier_id, grant.message_id, upload_id)


def _attachment(
    grant: reference_tokens.TokenGrant, upload: UploadedFile | None, upload_id: str
) -> tuple[documents.Document, DataKey] | None:
    """The answer's attachment, inline or uploaded before (checked as the inline one is), sealed with
    the dossier's data key, and that key; DataKeyDestroyed when the dossier is erased (its upload is
    deleted now, not after the day the incoming prefix keeps it), InvalidDocument."""
    if upload is None and not upload_id:
        return None
    try:
        data_key = DataKeys().open(grant.dossier_id)
    except DataKeyDestroyed:
        if upload_id:
            documents.discard_upload(_uploaded_key(grant, upload_id))
        raise
    if upload is None:
        return documents.confirm_upload(_uploaded_key(grant, upload_id), data_key), data_key
    key = documents.reply_document_key(grant.dossier_id, grant.message_id, new_id())
    declared = documents.check(upload.content_type, upload.data)
    return documents.store_sealed(key, declared, upload.data, data_key), data_key


def _record_attachment(
    grant: reference_tokens.TokenGrant,
    office_id: str,
    accepted: ReplyAccepted,
    stored: documents.Document,
    data_key: DataKey,
    now: datetime,
    filename: str,
) -> None:
    """The attachment's record beside the reply, while the dossier lives (else DataKeyDestroyed)."""
    table = Table(TableName.DOSSIERS)
    dossier = table.get(table_keys.dossier(grant.dossier_id), table_keys.DOSSIER_META)
    document_id = stored.key.rsplit("/", 1)[-1]
    sealed_name = data_key.seal(attachment_name_field(document_id), filename) if filename else ""
    record = attachment_item(
        dossier_id=grant.dossier_id,
        agency_id=str((dossier or {}).get("agency_id", "")),
        office_id=office_id,
        message_id=accepted.message_id,
        in_reply_to=accepted.in_reply_to,
        document_id=document_id,
        key=stored.key,
        content_type=stored.content_type.value,
        size_bytes=stored.size_bytes,
        sha256=stored.sha256,
        received_at=now,
        sealed_name=sealed_name,
    )
    write_about(grant.dossier_id, [table.put_op(record)])


def _back(token: str, language: Language) -> str:
    return LINK_PAGE.format(token=token) + f"?lang={language.value}"


def _not_accepted(language: Language, errors: list[str], token: str) -> Response:
    words = pages.words(language)
    return pages.message_page(
        language,
        422,
        words["not_accepted"],
        [words["fix_and_resend"]],
        items=errors,
        back_href=_back(token, language),
    )


def _refused(language: Language, status: int, what: str, token: str) -> Response:
    words = pages.words(language)
    return pages.message_page(language, status, words[what], back_href=_back(token, language))


_PROBLEM_WORDS = {
    "answered": "already_answered",
    "dossier-closed": "no_replies",
    "reply-not-allowed": "reply_not_allowed",
    "no-claims-here": "no_claims_here",
    "duplicate-reference": "duplicate_reference",
}


def _problem_page(problem: Problem, language: Language, token: str) -> Response:
    if problem.status == 404:
        return pages.link_not_valid()
    if problem.status == 410:
        return pages.link_gone()
    words = pages.words(language)
    said = words[_PROBLEM_WORDS[problem.kind]] if problem.kind in _PROBLEM_WORDS else problem.detail
    if problem.status == 409:
        return pages.message_page(language, 409, said, back_href=_back(token, language))
    return _not_accepted(language, [said], token)
