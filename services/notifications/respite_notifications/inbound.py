"""Inbound email, as pure decisions: which reference the recipient carries, whether SES's verdicts and
the sender let it be linked, what of the body is new (the quoted history goes), which attachments are
accepted. Reading S3, opening tokens and storing are the handler's and the store's."""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from email import policy
from email.errors import MessageError
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr
from enum import StrEnum

from respite_core.store.documents import InvalidDocument, check

MAX_MAIL_BYTES = 10 * 1024 * 1024  # SES accepts up to 40 MB; the platform takes what a reply needs
MAX_ATTACHMENTS = 10
# what of a mail's text is kept: it is sealed (as escaped JSON) in one DynamoDB item of at most 400 KB
MAX_BODY_CHARS = 25_000
_CUT = "\n\n[…]"
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


class Refusal(StrEnum):
    """Why a mail for a living dossier was quarantined rather than linked (kept on its item): each
    says what happened, so the caseworker knows whether to ask the office to send it again."""

    TOO_LARGE = "too_large"  # nothing of it is read, nor kept
    UNREADABLE = "unreadable"  # not a mail: no header at all, or one the email package cannot read
    VIRUS = "virus_found"
    SPAM = "spam_found"
    NOT_AUTHENTICATED = "spf_and_dkim_failed"
    NO_SENDER = "no_sender"  # no From address: nobody to check against the office's addresses
    SENDER_NOT_OF_OFFICE = "sender_not_of_office"


class Unreadable(ValueError):
    """Nothing of the raw message can be read: `refusal` says why (too large, or not a mail)."""

    def __init__(self, refusal: Refusal, detail: str) -> None:
        super().__init__(detail)
        self.refusal = refusal


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
    """The mail as read; Unreadable when it is too large or cannot be read. A mail without a (usable)
    From, even one without any header, is read all the same: `sender` is empty, and the caller
    refuses it for that."""
    if len(raw) > MAX_MAIL_BYTES:
        raise Unreadable(Refusal.TOO_LARGE, f"the mail is larger than {MAX_MAIL_BYTES // (1024 * 1024)} MB")
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
        if not isinstance(message, EmailMessage):
            raise Unreadable(Refusal.UNREADABLE, "not an email message")
        reading = _Reading()
        reading.read(message, forwarded=False)
        return InboundMail(
            sender=_sender(message),
            subject=str(message.get("Subject", ""))[:300],
            sent_at=str(message.get("Date", ""))[:100],
            body=reading.body(),
            attachments=tuple(reading.accepted),
            refused=tuple(reading.refused),
        )
    except Unreadable:
        raise
    # what strangers send breaks the email package's header and MIME parsing in many ways (e.g. an
    # AttributeError for `From: a@[`): then nothing of it can be read
    except (MessageError, LookupError, ValueError, IndexError, AttributeError, TypeError) as error:
        raise Unreadable(Refusal.UNREADABLE, "the email package cannot read it") from error


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


def _sender(message: EmailMessage) -> str:
    """The first address of the From header, lower case; empty when there is none (or no address)."""
    for _, address in getaddresses([str(value) for value in message.get_all("From", [])]):
        if "@" in address:
            return address.lower()
    return ""


@dataclass
class _Reading:
    """Every part of a mail, read once: the text shown (the reply's own, then what it forwards) and
    the files (accepted or refused).

    Text is every text part not attached as a file, whatever its subtype (`text/x-*` too), one
    alternative of each `multipart/alternative` (plain rather than HTML), and the text of forwarded
    messages (`message/rfc822`, as a `multipart/digest` holds them). The quoted history is stripped
    from the reply's own text only: a forwarded message is shown whole."""

    own: list[str] = field(default_factory=list)
    forwarded: list[str] = field(default_factory=list)
    accepted: list[Attachment] = field(default_factory=list)
    refused: list[RefusedAttachment] = field(default_factory=list)

    def read(self, part: EmailMessage, *, forwarded: bool) -> None:
        if part.get_content_type() == "message/rfc822":
            self._forwarded(part)
        elif part.is_multipart():
            children = [child for child in part.iter_parts() if isinstance(child, EmailMessage)]
            if part.get_content_type() == "multipart/alternative":
                children = _preferred(children)
            for child in children:
                self.read(child, forwarded=forwarded)
        elif _shown_as_text(part):
            text = _text_of(part)
            if text.strip():
                (self.forwarded if forwarded else self.own).append(
                    text.strip() if forwarded else strip_quoted(text)
                )
        elif part.get_content_maintype() != "message":  # a delivery status or an external body: no text
            self._file(part)

    def body(self) -> str:
        text = "\n\n".join(piece for piece in (*self.own, *self.forwarded) if piece)
        return text if len(text) <= MAX_BODY_CHARS else text[: MAX_BODY_CHARS - len(_CUT)] + _CUT

    def _forwarded(self, part: EmailMessage) -> None:
        inner = part.get_payload(0) if isinstance(part.get_payload(), list) else None
        if not isinstance(inner, EmailMessage):
            return
        said = [f"{name}: {inner[name]}" for name in ("From", "Date", "Subject") if inner.get(name)]
        self.forwarded.append("\n".join(["---------- forwarded message ----------", *said]))
        self.read(inner, forwarded=True)

    def _file(self, part: EmailMessage) -> None:
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes):
            return
        declared = part.get_content_type()
        reason = _refusal(declared, data, len(self.accepted))
        if reason:
            self.refused.append(RefusedAttachment(declared, len(data), reason))
        else:
            self.accepted.append(Attachment(part.get_filename() or "attachment", declared, data))


def _shown_as_text(part: EmailMessage) -> bool:
    """A text part not attached as a file; or a multipart the parser could not split (no or a wrong
    boundary), which mail clients show as the text it is."""
    if part.get_content_disposition() == "attachment":
        return False
    return part.get_content_maintype() in ("text", "multipart")


def _preferred(alternatives: list[EmailMessage]) -> list[EmailMessage]:
    """The one alternative shown: plain text, else HTML, else the sender's favourite (the last)."""
    for wanted in ("text/plain", "text/html"):
        for alternative in alternatives:
            if alternative.get_content_type() == wanted:
                return [alternative]
    return alternatives[-1:]


def _text_of(part: EmailMessage) -> str:
    """A text part as text: HTML without its markup; an unknown or missing charset read as UTF-8
    (a superset of the default ASCII), what cannot be decoded replaced rather than refused."""
    data = part.get_payload(decode=True)
    raw = data if isinstance(data, bytes) else b""
    try:
        text = raw.decode(part.get_content_charset() or "utf-8", errors="replace")
    except LookupError:
        text = raw.decode("utf-8", errors="replace")
    return _text_of_html(text) if part.get_content_type() == "text/html" else text


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
