"""The subject-access export (GDPR art. 15): everything the dossier holds about the person, assembled,
and laid out as a PDF in the person's language."""

import re
import zlib
from datetime import timedelta

import pytest

from respite_consent import dossiers
from respite_consent.dossiers import StoredAttachment, StoredMail
from respite_consent.models import SignedForm, SubjectAccessExport
from respite_consent.printing import ENCODING, printable
from respite_consent.subject_access import subject_access
from respite_consent.subject_access_pdf import render, sections
from respite_core.access_log import AccessEntry, Action, Purpose
from respite_core.access_log import entry as access_entry
from respite_core.callers import Caller, Role
from respite_core.domain import DebtorIdentity, Direction, Language, MessageType
from tests.unit.consent.test_dossiers import CONSENT, NOW, PERSON, claim, dossier, message

ANNA = Caller(user_id="u-anna", agency_id="ocmw-gent", role=Role.CASEWORKER)
NAMES = {"vanhove": "Gerechtsdeurwaarder Van Hove", "lambert": "Étude Lambert"}
SENT = NOW - timedelta(days=20)
BUDGET = {"document_id": "BUDGET1", "sha256": "c" * 64, "size_bytes": 900}  # as a proposal's body names it


def attachment(owner: str, document_id: str, name: str) -> StoredAttachment:
    return StoredAttachment(
        owner_id=owner,
        document_id=document_id,
        name=name,
        content_type="application/pdf",
        size_bytes=2048,
        key=f"dossiers/D1/replies/{owner}/{document_id}",
    )


def contents(**changes: object) -> dossiers.DossierContents:
    messages = [
        message("N1", MessageType.NOTICE, sender="ocmw-gent", receiver="vanhove", created=SENT),
        message("N2", MessageType.NOTICE, sender="ocmw-gent", receiver="lambert", created=SENT),
        message(
            "R1",
            MessageType.BALANCE_REPLY,
            sender="vanhove",
            receiver="ocmw-gent",
            created=SENT + timedelta(days=2),
            in_reply_to="N1",
            body={"comment": "Saldo per 1 december"},
        ),
        *(
            message(
                f"P{n}",
                MessageType.PROPOSAL,
                sender="ocmw-gent",
                receiver=office,
                created=SENT + timedelta(days=5),
                body={"kind": "instalments", "budget_document": BUDGET},
            )
            for n, office in enumerate(("vanhove", "lambert"))
        ),
    ]
    mail = StoredMail(
        mail_id="MAIL1",
        office_id="lambert",
        in_reply_to="N2",
        received_at=SENT + timedelta(days=3),
        subject="Re: Notification",
        body="Pas de dossier chez nous.",
        refused_attachments=0,
    )
    consent = CONSENT.model_copy(
        update={
            "signed_form": SignedForm(
                upload_id="FORM1",
                content_type="application/pdf",
                size_bytes=4096,
                sha256="b" * 64,
                added_at=NOW - timedelta(days=39),
            )
        }
    )
    fields = {
        "dossier": dossier(),
        "person": PERSON,
        "consent": consent,
        "claims": [
            claim("A1", "vanhove", "ordinary", 10_000),
            claim("A2", "vanhove", "preferential", 5_000),
            claim("B1", "lambert", "ordinary", 2_000),
        ],
        "messages": messages,
        "attachments": [attachment("R1", "DOC1", "afrekening.pdf"), attachment("MAIL1", "MAIL1-0", "")],
        "mails": [mail],
    } | changes
    return dossiers.DossierContents(**fields)  # type: ignore[arg-type]


def log() -> list[AccessEntry]:
    return [
        access_entry(ANNA, "D1", Action.READ_PERSON, Purpose.CASE_WORK, at=NOW - timedelta(days=1)),
        access_entry(ANNA, "D1", Action.REGISTERED, Purpose.CASE_WORK, at=NOW - timedelta(days=40)),
        access_entry(ANNA, "D1", Action.SUBJECT_ACCESS_EXPORT, Purpose.SUBJECT_ACCESS, at=NOW),
    ]


def export(language: Language = Language.NL, **changes: object) -> SubjectAccessExport:
    return subject_access(
        contents(**changes), log(), agency_name="OCMW Gent", office_names=NAMES, language=language, now=NOW
    )


def test_the_export_holds_the_person_consent_and_claims_by_creditor() -> None:
    held = export()

    assert held.person == PERSON
    assert held.consent.signed_form is not None
    assert held.agency_name == "OCMW Gent"
    assert [(c.office_id, c.office_name) for c in held.creditors] == [
        ("lambert", "Étude Lambert"),
        ("vanhove", "Gerechtsdeurwaarder Van Hove"),
    ]
    vanhove = held.creditors[1]
    assert [c.office_reference for c in vanhove.claims] == ["REF-A1", "REF-A2"]
    assert vanhove.claims[0].principal_creditor == "A creditor"
    assert vanhove.totals.outstanding == 10_150 + 5_150
    assert held.totals.outstanding == 10_150 + 5_150 + 2_150


def test_the_messages_keep_their_contents_and_say_which_way_they_went() -> None:
    held = export()

    reply = next(m for m in held.messages if m.message_id == "R1")
    assert reply.body == {"comment": "Saldo per 1 december"}
    assert reply.direction is Direction.OFFICE_TO_AGENCY
    assert reply.office_id == "vanhove"
    assert [m.message_id for m in held.messages][:3] == ["N1", "N2", "R1"]
    assert held.mails[0].body == "Pas de dossier chez nous."


def test_the_offices_told_are_those_the_agency_wrote_to() -> None:
    told = {o.office_id: o for o in export().offices_told}

    assert set(told) == {"vanhove", "lambert"}
    assert told["vanhove"].first_told_at == SENT
    assert told["vanhove"].messages_sent == 2  # the notice and the proposal; its reply is not counted


def test_documents_are_listed_with_name_type_size_and_when_but_not_their_bytes() -> None:
    documents = export().documents

    assert [(d.kind, d.document_id) for d in documents] == [
        ("consent_form", "FORM1"),
        ("reply_attachment", "DOC1"),
        ("mail_attachment", "MAIL1-0"),
        ("budget_calculation", "BUDGET1"),  # sent to two offices, listed once
    ]
    reply = documents[1]
    assert (reply.name, reply.content_type, reply.size_bytes) == ("afrekening.pdf", "application/pdf", 2048)
    assert reply.received_at == SENT + timedelta(days=2)  # when its reply came
    assert documents[2].name.endswith(".pdf")  # the office gave no name: one is made
    assert "download_url" not in documents[0].model_dump()


def test_the_access_log_is_oldest_first_and_ends_with_the_export_itself() -> None:
    entries = export().access_log

    assert [e.action for e in entries] == [
        Action.REGISTERED,
        Action.READ_PERSON,
        Action.SUBJECT_ACCESS_EXPORT,
    ]
    assert entries[-1].purpose is Purpose.SUBJECT_ACCESS
    assert entries[0].actor_role == "caseworker"


def pdf_text(pdf: bytes) -> str:
    """The text of the PDF's content streams (fpdf2 writes Helvetica text as literal strings)."""
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL)
    text = []
    for stream in streams:
        try:
            text.append(zlib.decompress(stream).decode(ENCODING, errors="replace"))
        except zlib.error:
            continue
    return "\n".join(text)


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        (Language.NL, "Inzage in uw gegevens"),
        (Language.FR, "Accès à vos données"),
        (Language.EN, "Your data: subject access"),
    ],
)
def test_the_pdf_is_in_the_persons_language_and_names_them(language: Language, heading: str) -> None:
    pdf = render(export(language), language)

    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert heading in text
    assert "Peeters" in text
    assert "Saldo per 1 december" in text  # a message's contents
    assert "afrekening.pdf" in text  # a document, listed


def test_the_pdf_sections_follow_the_language() -> None:
    french = dict(sections(export(Language.FR), Language.FR))
    dutch = dict(sections(export(Language.NL), Language.NL))

    assert "Nom: Peeters" in french["Vos données personnelles"]
    assert "Familienaam: Peeters" in dutch["Uw persoonsgegevens"]
    assert any("€ 100,00" in line for line in dutch["Uw schulden per schuldeiser"])
    assert any("Décompte" in line for line in french["Messages avec les créanciers"])


def test_a_name_outside_the_pdf_fonts_letters_loses_only_its_accents() -> None:
    assert printable("Hélène Œuvre €") == "Hélène Œuvre €"  # all in Windows-1252: kept
    assert printable("Ștefan Łukasiewicz") == "Stefan ?ukasiewicz"
    person = DebtorIdentity.model_validate(PERSON.model_dump() | {"family_name": "Ionescu-Ștefănescu"})

    text = pdf_text(render(export(Language.EN, person=person), Language.EN))

    assert "Ionescu-Stefanescu" in text
