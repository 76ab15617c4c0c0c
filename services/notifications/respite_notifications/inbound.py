"""Inbound email, as pure decisions: which reference the recipient carries, whether SES's verdicts and
the sender let it be linked, what of the body is new (the quoted history goes), which attachments are
accepted. Reading S3, opening tokens and storing are the handler's and the store's."""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr
from enum import StrEnum

from respite_core.store.documents import InvalidDocument, check

MAX_MAIL_BYTES = 10 * 1024 * 1024  # SES accepts up to 40 MB; the platform takes what a reply needs
MAX_ATTACHMENTS = 10
_TOKEN_ADDRESS = re.compile(r"^reply\+(?P<token>[A-Za-z0-9_-]{16,128})@", re.IGNORECASE)
# where a reply's quoted history starts, in the languages the offices write (and common clients)
_HISTORY_STARTS = re.compile(
    r"^\s*(?:"
    r"-{2,}\s*(?:original message|oorspronkelijk bericht|message d'origine|forwarded message)\s*-{2,}"
    r"|on .{1,200} wrote:|op .{1,200} (?:schreef|heeft).{0,200}:|le .{1,200} a écrit\s*:"
    r"|(?:from|van|de)\s*:\s.+"
    r")\s*$",
    re.IGNORECASE,
)


class Unreadable(ValueError):
    """The raw message is not a mail we can read (too large, or not MIME)."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class RefusedAttachment:
    content_type: str
    size_bytes: int
    reason: str


@dataclass(frozen=True)
class InboundMail:
    sender: str  # the From address, lower case
    subject: str
    sent_at: str  # the Date header as written (may be empty)
    body: str  # the new text only: quoted history stripped
    attachments: tuple[Attachment, ...]
    refused: tuple[RefusedAttachment, ...]


def reference_in(recipients: Iterable[str]) -> str | None:
    """The reference token in `reply+<token>@<inbound domain>`, from the first recipient carrying one."""
    for recipient in recipients:
        match = _TOKEN_ADDRESS.match(parseaddr(recipient)[1])
        if match:
            return match.group("token")
    return None


class Dropped(StrEnum):
    """Why a mail is not kept at all: nothing of it may outlive its processing (no dossier to hold
    it, or none that still lives)."""

    NO_TOKEN = "no_token"  # noqa: S105 (a reason, not a password)
    TOKEN_UNKNOWN = "token_unknown"  # noqa: S105 (a reason, not a password)
    TOKEN_EXPIRED = "token_expired"  # noqa: S105 (a reason, not a password)
    TOKEN_REVOKED = "token_revoked"  # noqa: S105 (a reason, not a password)
    DOSSIER_ERASED = "dossier_erased"  # its token outlived the key for a moment, or the fence refused
    RAW_MAIL_MISSING = "raw_mail_missing"  # nothing to read (and nothing kept of it before)


class Refusal(StrEnum):
    """Why a mail for a living dossier was quarantined rather than linked (kept on its item)."""

    UNREADABLE = "unreadable_or_too_large"
    VIRUS = "virus_found"
    SPAM = "spam_found"
    NOT_AUTHENTICATED = "spf_and_dkim_failed"
    SENDER_NOT_OF_OFFICE = "sender_not_of_office"


def verdict_refusal(verdicts: Mapping[str, str]) -> Refusal | None:
    """What SES's verdicts hold against the mail, the worst first; None when it may be linked.

    SPF or DKIM must pass (DMARC's rule: one aligned pass suffices); spam and virus must not FAIL.
    """
    if verdicts.get("virus") == "FAIL":
        return Refusal.VIRUS
    if verdicts.get("spam") == "FAIL":
        return Refusal.SPAM
    if verdicts.get("spf") != "PASS" and verdicts.get("dkim") != "PASS":
        return Refusal.NOT_AUTHENTICATED
    return None


def sender_belongs(sender: str, office_addresses: Sequence[str]) -> bool:
    return sender.lower() in {address.lower() for address in office_addresses}


def parse(raw: bytes) -> InboundMail:
    if len(raw) > MAX_MAIL_BYTES:
        raise Unreadable(f"the mail is larger than {MAX_MAIL_BYTES // (1024 * 1024)} MB")
    message = BytesParser(policy=policy.default).parsebytes(raw)
    if not isinstance(message, EmailMessage) or not message.get("From"):
        raise Unreadable("not an email message")
    senders = getaddresses([str(message.get("From", ""))])
    sender = senders[0][1].lower() if senders else ""
    body_part = message.get_body(preferencelist=("plain", "html"))
    text = body_part.get_content() if body_part is not None else ""
    if body_part is not None and body_part.get_content_type() == "text/html":
        text = _text_of_html(text)
    accepted, refused = _attachments(message)
    return InboundMail(
        sender=sender,
        subject=str(message.get("Subject", ""))[:300],
        sent_at=str(message.get("Date", ""))[:100],
        body=strip_quoted(text),
        attachments=tuple(accepted),
        refused=tuple(refused),
    )


def strip_quoted(text: str) -> str:
    """The reply's own words: lines quoted with `>` and everything from the history's header on go."""
    kept: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if _HISTORY_STARTS.match(line):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line.rstrip())
    return "\n".join(kept).strip()


def _attachments(message: EmailMessage) -> tuple[list[Attachment], list[RefusedAttachment]]:
    accepted: list[Attachment] = []
    refused: list[RefusedAttachment] = []
    for part in message.iter_attachments():
        if not isinstance(part, EmailMessage):
            continue
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes):
            continue
        declared = part.get_content_type()
        reason = _refusal(declared, data, len(accepted))
        if reason:
            refused.append(RefusedAttachment(declared, len(data), reason))
        else:
            accepted.append(Attachment(part.get_filename() or "attachment", declared, data))
    return accepted, refused


def _refusal(declared: str, data: bytes, already: int) -> str | None:
    if already >= MAX_ATTACHMENTS:
        return f"more than {MAX_ATTACHMENTS} attachments"
    try:
        check(declared, data)
    except InvalidDocument as error:
        return str(error)
    return None


def _text_of_html(html: str) -> str:
    """Plain text of an HTML-only mail: tags out, entities decoded (the result is escaped when shown)."""
    from html import unescape

    without_blocks = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html)
    with_breaks = re.sub(r"(?i)<\s*(br|/p|/div|/li)\s*/?>", "\n", without_blocks)
    return unescape(re.sub(r"<[^>]+>", "", with_breaks))
