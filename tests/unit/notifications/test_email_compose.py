"""An office's email: in its language, nothing of the person (the reference, the agency and the link
only), escaped HTML, and a MIME message whose Reply-To carries the same reference as the link."""

import email
import email.policy
from dataclasses import fields
from datetime import UTC, date, datetime
from email.message import EmailMessage

import pytest

from respite_core.domain import Language, MessageType
from respite_notifications.email.compose import EmailView, mime, render, reply_address

TOKEN = "abcdefghijklmnopqrstuvwxyz234567"


def view(language: Language, **changes: object) -> EmailView:
    fields: dict[str, object] = {
        "language": language,
        "message_type": MessageType.NOTICE,
        "agency_name": "OCMW Gent",
        "agency_contact": "schuldbemiddeling@ocmw-gent.example",
        "office_name": "Gerechtsdeurwaarders Van Hove",
        "dossier_reference": "01JDOSSIER",
        "reply_due_on": date(2026, 5, 20),
        "link": f"http://127.0.0.1:8000/notifications/r/{TOKEN}",
        "link_valid_until": date(2026, 6, 1),
        "reply_to": reply_address(TOKEN, "inbound.respite.example"),
    }
    return EmailView(**(fields | changes))  # type: ignore[arg-type]


def test_an_email_can_hold_nothing_of_the_person() -> None:
    assert {f.name for f in fields(EmailView)} == {
        "language",
        "message_type",
        "agency_name",
        "agency_contact",
        "office_name",
        "dossier_reference",
        "reply_due_on",
        "link",
        "link_valid_until",
        "reply_to",
        "standstill_ends_on",  # a date: the standstill's, not the person's
    }


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (Language.NL, ("Kennisgeving", "Antwoord verwacht uiterlijk op: 20 mei 2026", "Geachte")),
        (Language.FR, ("Notification", "Réponse attendue au plus tard le : 20 mai 2026", "Madame")),
        (Language.EN, ("Notice of debt help", "Answer expected by: 20 May 2026", "Dear")),
    ],
)
def test_each_language_has_its_own_words(language: Language, words: tuple[str, str, str]) -> None:
    content = render(view(language))

    subject_word, due_line, greeting = words
    assert subject_word in content.subject
    assert "01JDOSSIER" in content.subject
    assert "OCMW Gent" in content.subject
    assert "\n" not in content.subject
    assert due_line in content.text
    assert content.text.startswith(greeting)
    for body in (content.text, content.html):
        assert f"/notifications/r/{TOKEN}" in body
        assert "schuldbemiddeling@ocmw-gent.example" in body  # the agency's contact
        assert "01JDOSSIER" in body
    assert f'<html lang="{language.value}">' in content.html


def test_a_message_that_expects_no_answer_asks_for_none() -> None:
    content = render(view(Language.EN, message_type=MessageType.TERMINATION, reply_due_on=None))
    assert "Answer expected" not in content.text
    assert "reply to this email" not in content.text
    assert "End of the debt help" in content.subject


def test_html_is_escaped_in_the_html_body_only() -> None:
    content = render(view(Language.EN, agency_name="OCMW <script>alert(1)</script>"))
    assert "<script>" not in content.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content.html
    assert "OCMW <script>alert(1)</script>" in content.text  # plain text is shown as text, not parsed


def test_the_mime_message_carries_both_bodies_and_the_reply_address() -> None:
    content = render(view(Language.FR))
    raw = mime(
        content,
        sender="Respite <no-reply@respite.example>",
        to=("etude@lambert.example", "second@lambert.example"),
        reply_to=reply_address(TOKEN, "inbound.respite.example"),
        sent_at=datetime(2026, 5, 6, 9, 30, tzinfo=UTC),
    )

    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    assert message["Reply-To"] == f"reply+{TOKEN}@inbound.respite.example"
    assert message["From"] == "Respite <no-reply@respite.example>"
    assert message["To"] == "etude@lambert.example, second@lambert.example"
    assert message["Subject"] == content.subject  # encoded words decode back to the same subject
    assert message["Auto-Submitted"] == "auto-generated"
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert plain is not None
    assert html is not None
    assert plain.get_content() == content.text
    assert html.get_content() == content.html
