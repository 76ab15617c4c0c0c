"""Inbound email: the reference in the recipient, the verdicts, the new text only, the attachments."""

from email.message import EmailMessage

import pytest

from respite_notifications.inbound import (
    MAX_MAIL_BYTES,
    Unreadable,
    parse,
    reference_in,
    sender_belongs,
    strip_quoted,
    verdict_refusal,
)

PDF = b"%PDF-1.7\n%%EOF\n"
TOKEN = "Qm9vbGVhbkFuZFRva2VuMTIzNDU2Nzg"


def mail(body: str = "Zie bijlage.", *attachments: tuple[bytes, str, str], html: str | None = None) -> bytes:
    message = EmailMessage()
    message["From"] = "Dossiers Van Hove <Dossiers@VanHove.example>"
    message["To"] = f"reply+{TOKEN}@inbound.respite.example"
    message["Subject"] = "Re: Kennisgeving"
    message.set_content(body)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for data, maintype_subtype, filename in attachments:
        maintype, subtype = maintype_subtype.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return message.as_bytes()


def test_the_reference_is_found_in_the_reply_address() -> None:
    assert reference_in(["someone@else.example", f"Respite <reply+{TOKEN}@inbound.respite.example>"]) == TOKEN
    assert reference_in(["reply@inbound.respite.example", "reply+short@inbound.respite.example"]) is None


@pytest.mark.parametrize(
    ("verdicts", "refusal"),
    [
        ({"spf": "PASS", "dkim": "PASS", "spam": "PASS", "virus": "PASS"}, None),
        ({"spf": "FAIL", "dkim": "PASS", "spam": "PASS", "virus": "PASS"}, None),
        ({"spf": "FAIL", "dkim": "FAIL", "spam": "PASS", "virus": "PASS"}, "spf_and_dkim_failed"),
        ({"spf": "GRAY", "dkim": "PROCESSING_FAILED"}, "spf_and_dkim_failed"),
        ({"spf": "PASS", "dkim": "PASS", "virus": "FAIL"}, "virus_found"),
        ({"spf": "PASS", "dkim": "PASS", "spam": "FAIL"}, "spam_found"),
        ({"spf": "FAIL", "dkim": "FAIL", "spam": "FAIL", "virus": "FAIL"}, "virus_found"),  # the worst
    ],
)
def test_only_authenticated_clean_mail_may_be_linked_and_the_refusal_says_why(
    verdicts: dict[str, str], refusal: str | None
) -> None:
    assert verdict_refusal(verdicts) == refusal


def test_the_sender_must_be_one_of_the_offices_addresses() -> None:
    parsed = parse(mail())
    assert parsed.sender == "dossiers@vanhove.example"
    assert sender_belongs(parsed.sender, ["dossiers@vanhove.example", "boekhouding@vanhove.example"])
    assert not sender_belongs(parsed.sender, ["dossiers@vanhove.example.attacker.example"])


@pytest.mark.parametrize(
    "history",
    [
        "> Geachte heer,\n> quoted",
        "Op 12 nov. 2026 om 10:00 schreef Respite <no-reply@respite.example>:\nGeachte...",
        "On Tue, Nov 12, 2026 at 10:00 AM Respite wrote:\nDear...",
        "Le 12 nov. 2026 à 10:00, Respite a écrit :\nMadame...",
        "-----Original Message-----\nFrom: Respite",
        "Van: Respite <no-reply@respite.example>\nVerzonden: dinsdag",
    ],
)
def test_the_quoted_history_is_stripped(history: str) -> None:
    assert strip_quoted(f"Wij kennen deze persoon.\nMet vriendelijke groet\n\n{history}") == (
        "Wij kennen deze persoon.\nMet vriendelijke groet"
    )


def test_accepted_and_refused_attachments() -> None:
    raw = mail(
        "Hierbij.",
        (PDF, "application/pdf", "afrekening.pdf"),
        (b"MZ\x90\x00", "application/x-msdownload", "factuur.exe"),
        (b"not a pdf", "application/pdf", "fake.pdf"),
    )

    parsed = parse(raw)

    assert [(a.filename, a.content_type) for a in parsed.attachments] == [
        ("afrekening.pdf", "application/pdf")
    ]
    assert [r.reason for r in parsed.refused] == [
        "only PDF, JPEG and PNG files are accepted",
        "the file's content does not match its type",
    ]


def test_an_html_only_reply_becomes_text_without_its_markup() -> None:
    message = EmailMessage()
    message["From"] = "dossiers@vanhove.example"
    message["To"] = f"reply+{TOKEN}@inbound.respite.example"
    message.set_content("<p>Bedrag: <b>120,00</b></p><script>alert(1)</script>", subtype="html")
    parsed = parse(message.as_bytes())
    assert parsed.body == "Bedrag: 120,00"


def test_an_oversized_or_unreadable_mail_is_refused() -> None:
    with pytest.raises(Unreadable):
        parse(b"x" * (MAX_MAIL_BYTES + 1))
    with pytest.raises(Unreadable):
        parse(b"\x00\x01 not a mail at all")
