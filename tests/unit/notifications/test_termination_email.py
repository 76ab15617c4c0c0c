"""The termination of an erased dossier, as an office reads it: in its language, the dossier's id, the
office's own references, the agency and its contact, why — nothing of the person, and no link; the
webhook's body says the same in JSON; the retention service's queued message reads as what the
notifications service expects; and what is kept of it outlives every redelivery, not more."""

import email
import email.policy
import json
from dataclasses import fields
from datetime import UTC, datetime
from email.message import EmailMessage

import pytest

from respite_core.domain import Language
from respite_core.erasure import TERMINATION_RECORDS_KEPT, ErasureReason
from respite_infra.catalogue import OFFICE_TERMINATIONS
from respite_notifications.email.compose import TerminationView, mime, render_termination
from respite_notifications.terminations import Termination, record_id
from respite_notifications.webhooks.payload import TERMINATION_EVENT, termination_body
from respite_retention.erasure import ErasureRequest, terminations

DASH = "\N{EN DASH}"  # the subject's separator
AGENCY_CONTACT = "schuldbemiddeling@ocmw-gent.example"


def view(language: Language, **changes: object) -> TerminationView:
    values: dict[str, object] = {
        "language": language,
        "agency_name": "OCMW Gent",
        "agency_contact": AGENCY_CONTACT,
        "office_name": "Gerechtsdeurwaarders Van Hove",
        "dossier_reference": "01JDOSSIER",
        "reason": ErasureReason.CONSENT_WITHDRAWN,
        "office_references": ("VH/2026/1",),
    }
    return TerminationView(**(values | changes))  # type: ignore[arg-type]


def test_a_termination_can_hold_nothing_of_the_person() -> None:
    assert {f.name for f in fields(TerminationView)} == {
        "language",
        "agency_name",
        "agency_contact",
        "office_name",
        "dossier_reference",
        "reason",
        "office_references",
    }


@pytest.mark.parametrize(
    ("language", "subject_words", "greeting", "ended", "reason_words", "kept"),
    [
        (
            Language.NL,
            "Einde van de schuldhulpverlening",
            "Geachte",
            "de schuldhulpverlening voor dit dossier beëindigd is",
            "de persoon heeft de toestemming ingetrokken",
            "alleen een bewijs van de wissing, zonder persoonsgegevens",
        ),
        (
            Language.FR,
            "Fin de la médiation de dettes",
            "Madame, Monsieur",
            "l'aide en matière de dettes pour ce dossier a pris fin",
            "la personne a retiré son consentement",
            "seulement une attestation de l'effacement, qui ne contient aucune donnée personnelle",
        ),
        (
            Language.EN,
            "End of the debt help",
            "Dear Sir or Madam",
            "the debt help for this file has ended",
            "the person withdrew their consent",
            "only a receipt of the erasure, which holds no personal data",
        ),
    ],
)
def test_each_language_says_the_debt_help_ended_and_the_data_is_erased(
    language: Language, subject_words: str, greeting: str, ended: str, reason_words: str, kept: str
) -> None:
    content = render_termination(view(language))

    assert content.subject == f"{subject_words} {DASH} OCMW Gent {DASH} dossier 01JDOSSIER"
    assert content.text.startswith(greeting)
    assert f'<html lang="{language.value}">' in content.html
    for body in (content.text, content.html.replace("&#39;", "'")):
        assert ended in body
        assert reason_words in body
        assert kept in body  # what is true after the erasure: the receipt, nothing of the person
        assert "01JDOSSIER" in body
        assert "VH/2026/1" in body
        assert AGENCY_CONTACT in body
        assert "Gerechtsdeurwaarders Van Hove" in body
        assert "/notifications/r/" not in body  # no link: nothing is left to open
        assert "http" not in body
        assert "reply+" not in body


@pytest.mark.parametrize("language", list(Language))
def test_every_reason_has_words_and_references_are_left_out_when_unknown(language: Language) -> None:
    for reason in ErasureReason:
        content = render_termination(view(language, reason=reason, office_references=()))
        assert reason.value not in content.text  # words, not the code
        assert "VH/2026/1" not in content.text


def test_the_html_body_escapes_what_the_directory_says() -> None:
    content = render_termination(view(Language.EN, agency_name="OCMW <b>Gent</b>"))
    assert "OCMW &lt;b&gt;Gent&lt;/b&gt;" in content.html
    assert "OCMW <b>Gent</b>" in content.text


def test_the_mime_message_answers_to_the_agency() -> None:
    content = render_termination(view(Language.FR))
    raw = mime(
        content,
        sender="Respite <no-reply@respite.example>",
        to=("dossiers@vanhove.example",),
        reply_to=AGENCY_CONTACT,
        sent_at=datetime(2026, 11, 22, 9, 0, tzinfo=UTC),
    )
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    assert parsed["Reply-To"] == AGENCY_CONTACT
    assert parsed["Subject"] == content.subject
    assert parsed["Auto-Submitted"] == "auto-generated"


def test_the_webhook_body_names_ids_the_reason_and_the_offices_own_references_only() -> None:
    record = {
        "office_id": "vanhove",
        "agency_id": "ocmw-gent",
        "dossier_id": "01JDOSSIER",
        "termination_id": "a" * 32,
        "reason": "consent_withdrawn",
        "sealed_references": "sealed...",  # opened by the sender (`termination_references`)
    }
    at = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    document = json.loads(termination_body(record, ["VH/2026/1"], at=at))

    assert document["type"] == TERMINATION_EVENT == "dossier.terminated"
    assert document["data"] == {
        "office_id": "vanhove",
        "agency_id": "ocmw-gent",
        "dossier_id": "01JDOSSIER",
        "termination_id": "a" * 32,
        "message_type": "termination",
        "reason": "consent_withdrawn",
        "office_references": ["VH/2026/1"],
    }


def test_the_retention_services_message_reads_as_a_termination_keyed_without_the_dossier_id() -> None:
    request = ErasureRequest(
        dossier_id="01JDOSSIER",
        agency_id="ocmw-gent",
        reason=ErasureReason.RETENTION_ENDED,
        requested_at=datetime(2026, 11, 22, tzinfo=UTC),
    )
    (queued,) = terminations(request, ["vanhove"])

    termination = Termination.model_validate_json(queued.model_dump_json())

    assert (termination.dossier_id, termination.office_id, termination.agency_id) == (
        "01JDOSSIER",
        "vanhove",
        "ocmw-gent",
    )
    assert termination.reason is ErasureReason.RETENTION_ENDED
    assert record_id(termination) == f"term_{queued.termination_id}"
    assert "01JDOSSIER" not in record_id(termination)


def test_what_is_kept_of_a_termination_outlives_its_queue_and_dlq() -> None:
    can_come_back_for = OFFICE_TERMINATIONS.retention_days + OFFICE_TERMINATIONS.dlq_retention_days
    assert TERMINATION_RECORDS_KEPT.days == can_come_back_for
