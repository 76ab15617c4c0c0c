"""The link page: what an office sees when it opens the link in its email (`/notifications/r/<token>`).

A server-rendered page (no JavaScript, every field labelled, in the office's language or the one
chosen with `?lang=`) with the request — type, agency, due date, the person as the office may see
them — and a form that answers it. The form posts to the claims service
(`/claims/replies/by-token/<token>`), which stores the answer as the API does and sends the browser
back here (`…/done`). Once answered, the page shows the answer instead of the form.

The token is the only key: it opens this one request for this one office. An unknown token is a 404
page, an expired or revoked one a 410 page, both in every language and naming nothing. Opening the
page reads the person, so each opening is in the dossier's access log.
"""

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from chalice.app import Response
from pydantic import JsonValue

from respite_core import pages
from respite_core.api import Api
from respite_core.domain import ANSWERS, CreditorClass, Language, MessageType, NoCooperationReason
from respite_core.ids import new_id, utc_now
from respite_core.money import format_euros
from respite_core.store import documents, reference_tokens
from respite_core.store.data_keys import DataKeyDestroyed
from respite_core.store.dossier_items import document_ids
from respite_core.wording import (
    CREDITOR_CLASSES,
    DETAILS,
    MESSAGE_TYPES,
    NO_COOPERATION_REASONS,
    language_or_default,
    long_date,
)
from respite_notifications.email.sender import link_for, standstill_told
from respite_notifications.office_requests import OfficeRequest, OfficeRequests

CLAIM_ROWS = 5
# the answers that carry claims (a pre-approved balance too: the balance it accepts any plan for)
CLAIM_REPLIES = (MessageType.NOTICE_ACK, MessageType.BALANCE_REPLY, MessageType.BALANCE_REPLY_PREAPPROVED)
ANSWER_PATH = "/claims/replies/by-token/{token}"  # the claims service takes the form
_TYPE_ORDER = {message_type: n for n, message_type in enumerate(MessageType)}


def register(api: Api) -> None:
    """Add the link page's routes to the notifications app (pages for people: not in OpenAPI)."""
    app = api.app

    @app.route("/r/{token}", methods=["GET"])
    def reference_link(token: str) -> Response:
        return show(api, token, done=False)

    @app.route("/r/{token}/done", methods=["GET"])
    def reference_link_answered(token: str) -> Response:
        return show(api, token, done=True)

    @app.route("/r/{token}/documents/{document_id}", methods=["GET"])
    def reference_link_document(token: str, document_id: str) -> Response:
        return download(token, document_id)


def download(token: str, document_id: str) -> Response:
    """A document the request carries (its budget PDF), for the office the link was sent to: opened
    with the dossier's data key, copied for this download only, and the browser sent to a link signed
    for 5 minutes. The read is in the dossier's access log, like the page's."""
    now = utc_now()
    try:
        grant = reference_tokens.resolve(token, now)
    except (reference_tokens.UnknownToken, reference_tokens.TokenGone) as refused:
        return pages.link_refused(refused)
    requests = OfficeRequests()
    try:
        request = requests.read(grant.dossier_id, grant.message_id, grant.office_id)
        if request is None or document_id not in document_ids(request.request):
            return pages.link_not_valid()
        requests.log_read(request, now, detail=f"document:{document_id}")
        url = documents.download_url(
            documents.budget_document_key(grant.dossier_id, document_id),
            requests.data_key(grant.dossier_id),
            documents.budget_document_name(document_id),
        )
    except DataKeyDestroyed:
        return pages.link_gone()
    return Response(body="", status_code=303, headers={**pages.PAGE_HEADERS, "Location": url})


def show(api: Api, token: str, *, done: bool) -> Response:
    now = utc_now()
    try:
        grant = reference_tokens.resolve(token, now)
    except (reference_tokens.UnknownToken, reference_tokens.TokenGone) as refused:
        return pages.link_refused(refused)
    requests = OfficeRequests()
    try:
        request = requests.read(grant.dossier_id, grant.message_id, grant.office_id)
    except DataKeyDestroyed:
        return pages.link_gone()  # consent withdrawn: the person's data is gone, and so is the request
    if request is None:
        return pages.link_not_valid()
    query = api.app.current_request.query_params if api.app.current_request else None
    language = language_or_default(query.get("lang") if query else None, Language(request.office.language))
    try:
        requests.log_read(request, now)
    except DataKeyDestroyed:
        return pages.link_gone()  # erased since it was read: not logged, so not shown
    context = page_context(request, token, language, valid_until=grant.valid_until.date(), done=done)
    policy: dict[str, str] = {}
    if context["form"]["open"]:
        uploaded = query.get("upload", "") if query else ""
        context["form"]["upload_id"] = uploaded if documents.is_document_id(uploaded) else None
        context["form"]["large"] = large = large_upload(request, token, language)
        policy = pages.form_actions_to(origin_of(str(large["url"])))
    html = pages.render("link/request.html.j2", package="respite_notifications", **context)
    return pages.page(html, 200, **policy)


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def large_upload(request: OfficeRequest, token: str, language: Language) -> dict[str, Any]:
    """The second form: a file over `MAX_INLINE_BYTES` goes straight to S3 (a presigned POST that
    sends the browser back here with `?upload=<id>`), then with the answer as `upload_id`."""
    upload_id = new_id()
    back = f"{link_for(token)}?lang={language.value}&upload={upload_id}"
    key = documents.reply_document_key(request.dossier.dossier_id, request.request.message_id, upload_id)
    return documents.presigned_upload(key, None, redirect=back)


def page_context(
    request: OfficeRequest, token: str, language: Language, *, valid_until: Any, done: bool
) -> dict[str, Any]:
    """What the template shows: every value formatted for `language` (the template only escapes)."""
    words = pages.words(language)
    message, person, office = request.request, request.person, request.office
    names = {"agency": request.agency.name, "office": office.name}
    address = person.address
    allowed = sorted(ANSWERS[message.type], key=_TYPE_ORDER.__getitem__)
    reply = request.reply
    return {
        "lang": language.value,
        "title": words["title"].format(**names),
        "w": words,
        "intro": words["intro"].format(**names),
        "privacy": words["privacy"].format(day=long_date(valid_until, language)),
        "languages": [
            {"code": lang.value, "href": f"?lang={lang.value}", "current": lang is language}
            for lang in Language
        ],
        "request": {
            "type": MESSAGE_TYPES[language][message.type],
            "agency": request.agency.name,
            "dossier": request.dossier.dossier_id,
            "sent_on": long_date(message.created_at.date(), language),
            "due_on": long_date(message.reply_due_on, language) if message.reply_due_on else None,
            "details": details(message.body, language, documents_href=f"{link_for(token)}/documents/"),
        },
        "person": {
            "name": f"{person.given_names} {person.family_name}",
            "birth_date": long_date(person.birth_date, language),
            "address": [
                f"{address.street} {address.number}",
                f"{address.postal_code} {address.city}",
                address.country.value,
            ],
            # as the office's inbox shows it: the national number only to offices flagged `public`
            "national_number": (
                f"{person.national_number.country.value} {person.national_number.compact}"
                if office.public
                else None
            ),
        },
        "form": {
            "open": bool(allowed) and reply is None,
            "action": ANSWER_PATH.format(token=token),
            "message_id": message.message_id,
            "reply_types": [{"value": t.value, "label": MESSAGE_TYPES[language][t]} for t in allowed],
            "reasons": [
                {"value": r.value, "label": NO_COOPERATION_REASONS[language][r]} for r in NoCooperationReason
            ]
            if MessageType.NO_COOPERATION in allowed
            else [],
            "rejects": MessageType.PROPOSAL_REJECT in allowed,  # a rejection may say why
            "takes_claims": any(t in CLAIM_REPLIES for t in allowed),
            "classes": [  # ordinary first: the default, as in the API
                {"value": c.value, "label": CREDITOR_CLASSES[language][c]}
                for c in (CreditorClass.ORDINARY, CreditorClass.PREFERENTIAL)
            ],
            "rows": list(range(CLAIM_ROWS)),
        },
        "answered": answered(request, language) if reply is not None else None,
        "done": done and reply is not None,
    }


def answered(request: OfficeRequest, language: Language) -> dict[str, Any]:
    reply = request.reply
    assert reply is not None
    words = pages.words(language)
    reason = reply.body.get("reason")
    references = reply.body.get("file_references")
    return {
        "on": words["answered"].format(day=long_date(reply.created_at.date(), language)),
        "type": MESSAGE_TYPES[language][reply.type],
        "reason": reason_shown(reason, language),
        "file_references": [str(r) for r in references] if isinstance(references, list) else [],
        "comment": str(reply.body.get("comment") or ""),
        "attachments": [
            words["attachment_received"].format(size=max(1, round(a.size_bytes / 1024)))
            for a in request.attachments
        ],
        "claims": [
            {
                "office_reference": c.office_reference,
                "principal_creditor": c.principal_creditor,
                "class": CREDITOR_CLASSES[language][c.creditor_class],
                "outstanding": format_euros(c.outstanding, language.value),
            }
            for c in sorted(request.claims, key=lambda c: c.office_reference)
        ],
    }


def reason_shown(reason: JsonValue, language: Language) -> str | None:
    """A no_cooperation's listed reason in the page's language; a rejection's in the office's own words."""
    if not isinstance(reason, str) or not reason:
        return None
    listed = {r.value: r for r in NoCooperationReason}
    return NO_COOPERATION_REASONS[language][listed[reason]] if reason in listed else reason


def details(
    body: Mapping[str, JsonValue], language: Language, *, documents_href: str = ""
) -> list[dict[str, str]]:
    """The parts of a request's body an office reads, labelled; amounts in euros; a document it
    carries as a link that downloads it (`documents_href` + its id)."""
    words = DETAILS[language]
    shown: list[dict[str, str]] = []
    if body.get("standstill") == "requested":
        shown.append({"label": words["standstill"], "value": "✓"})
    ends = standstill_told(body)  # its last day; with a settlement or termination: the day it ended
    if ends is not None:
        shown.append({"label": words["standstill_ends_on"], "value": long_date(ends, language)})
    kind = body.get("kind")
    if kind in ("instalments", "buy_out"):
        shown.append({"label": words["kind"], "value": words[str(kind)]})
    for amount in ("outstanding", "offered"):
        value = body.get(amount)
        if isinstance(value, int) and value >= 0:
            shown.append({"label": words[amount], "value": format_euros(value, language.value)})
    monthly = body.get("monthly")
    if isinstance(monthly, list) and monthly and isinstance(monthly[0], int) and monthly[0] >= 0:
        shown.append({"label": words["monthly"], "value": format_euros(monthly[0], language.value)})
    for text in ("reason", "comment"):
        value = body.get(text)
        if isinstance(value, str) and value:
            shown.append({"label": words[text], "value": value})
    budget = body.get("budget_document")
    if isinstance(budget, dict) and isinstance(budget.get("document_id"), str):
        size = budget.get("size_bytes")
        kilobytes = max(1, round(size / 1024)) if isinstance(size, int) else 1
        shown.append(
            {
                "label": words["budget_document"],
                "value": words["budget_download"].format(size=kilobytes),
                "href": f"{documents_href}{budget['document_id']}",
            }
        )
    return shown
