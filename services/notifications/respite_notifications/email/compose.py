"""What an office's email says, and the MIME message that carries it (pure: no AWS).

The office's language chooses the templates (`templates/<nl|fr|en>/`): a subject, a plain-text body
and an HTML body (autoescaped). The email carries no personal data, as the CPC's mails: the dossier's
reference, the agency (its name and contact) and the link only. Email crosses mail servers and sits
in shared mailboxes and archives the platform cannot erase; the person is behind the link, which
shows them only to whoever holds the token, and logs the read.

The termination of an erased dossier (`templates/<language>/termination/`, `render_termination`)
says nothing of the person at all, and has no link: there is nothing left to open.
"""

from dataclasses import dataclass
from datetime import date, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from functools import cache
from typing import TYPE_CHECKING

from respite_core.domain import Language, MessageType
from respite_core.erasure import ErasureReason
from respite_core.wording import MESSAGE_TYPES, long_date

if TYPE_CHECKING:
    from jinja2 import Environment


@dataclass(frozen=True)
class EmailView:
    """Everything a template may show: nothing of the person (no field can hold any)."""

    language: Language
    message_type: MessageType
    agency_name: str
    agency_contact: str
    office_name: str
    dossier_reference: str
    reply_due_on: date | None
    link: str
    link_valid_until: date
    reply_to: str
    # the standstill's last day (a notice), or the day it ended (a settlement, a termination)
    standstill_ends_on: date | None = None


@dataclass(frozen=True)
class EmailContent:
    subject: str
    text: str
    html: str


@cache
def _environment() -> "Environment":
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=PackageLoader("respite_notifications.email", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(view: EmailView) -> EmailContent:
    context = {
        "view": view,
        "type_words": MESSAGE_TYPES[view.language][view.message_type],
        "due_on": long_date(view.reply_due_on, view.language) if view.reply_due_on else None,
        "valid_until": long_date(view.link_valid_until, view.language),
        "standstill_until": long_date(ends, view.language) if (ends := view.standstill_ends_on) else None,
    }
    return _render(view.language.value, context)


@dataclass(frozen=True)
class TerminationView:
    """Everything a termination may show: ids, the office's own file references (when known), the
    agency's name and contact, and why. Nothing of the person: the dossier is erased."""

    language: Language
    agency_name: str
    agency_contact: str
    office_name: str
    dossier_reference: str
    reason: ErasureReason
    office_references: tuple[str, ...] = ()


TERMINATION_REASONS: dict[Language, dict[ErasureReason, str]] = {
    Language.NL: {
        ErasureReason.CONSENT_WITHDRAWN: "de persoon heeft de toestemming ingetrokken",
        ErasureReason.RETENTION_ENDED: "het dossier is afgesloten en de bewaartermijn is verstreken",
        ErasureReason.TTL_EXPIRED: "het dossier is afgesloten en de bewaartermijn is verstreken",
    },
    Language.FR: {
        ErasureReason.CONSENT_WITHDRAWN: "la personne a retiré son consentement",
        ErasureReason.RETENTION_ENDED: "le dossier est clôturé et le délai de conservation est écoulé",
        ErasureReason.TTL_EXPIRED: "le dossier est clôturé et le délai de conservation est écoulé",
    },
    Language.EN: {
        ErasureReason.CONSENT_WITHDRAWN: "the person withdrew their consent",
        ErasureReason.RETENTION_ENDED: "the dossier was closed and its retention period has ended",
        ErasureReason.TTL_EXPIRED: "the dossier was closed and its retention period has ended",
    },
}


def render_termination(view: TerminationView) -> EmailContent:
    context = {"view": view, "reason": TERMINATION_REASONS[view.language][view.reason]}
    return _render(f"{view.language.value}/termination", context)


def _render(folder: str, context: dict[str, object]) -> EmailContent:
    environment = _environment()

    def one(name: str) -> str:
        return environment.get_template(f"{folder}/{name}").render(**context)

    subject = " ".join(one("subject.txt.j2").split())  # one line, whatever the template's layout
    return EmailContent(subject=subject, text=one("body.txt.j2"), html=one("body.html.j2"))


def mime(
    content: EmailContent, *, sender: str, to: tuple[str, ...], reply_to: str, sent_at: datetime
) -> bytes:
    """A multipart/alternative message (text, then HTML), UTF-8, ready for SES's raw send."""
    message = EmailMessage()
    name, address = parseaddr(sender)
    message["From"] = Address(display_name=name, addr_spec=address) if name else address
    message["To"] = ", ".join(to)
    message["Reply-To"] = reply_to
    message["Subject"] = content.subject
    message["Date"] = format_datetime(sent_at)
    message["Auto-Submitted"] = "auto-generated"  # out-of-office robots: do not answer this one
    message.set_content(content.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(content.html, subtype="html", charset="utf-8", cte="quoted-printable")
    return message.as_bytes()


def reply_address(token: str, inbound_domain: str) -> str:
    return formataddr(("", f"reply+{token}@{inbound_domain}"))
