"""Inbound email: the reference in the recipient, the verdicts, the new text only, the attachments."""

from email.message import EmailMessage
from pathlib import Path

import pytest

from respite_notifications.inbound import (
    MAX_BODY_CHARS,
    MAX_MAIL_BYTES,
    Refusal,
    Unreadable,
    parse,
    reference_in,
    sender_belongs,
    strip_quoted,
    verdict_refusal,
)

PDF = b"%PDF-1.7\n%%EOF\n"
CORPUS = Path(__file__).parents[2] / "mail_corpus"
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


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


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


def test_an_oversized_mail_is_refused_as_too_large() -> None:
    with pytest.raises(Unreadable) as refused:
        parse(b"x" * (MAX_MAIL_BYTES + 1))
    assert refused.value.refusal is Refusal.TOO_LARGE


@pytest.mark.parametrize(
    "raw",
    [
        b"From: a@[\r\n\r\nx",  # the email package's address parser fails on it (AttributeError)
        b"From: a@b.example\r\nContent-Type: text/plain; charset=utf-8\x00\r\n\r\nx",  # ValueError
    ],
)
def test_a_mail_the_email_package_cannot_read_is_refused_as_unreadable(raw: bytes) -> None:
    with pytest.raises(Unreadable) as refused:
        parse(raw)
    assert refused.value.refusal is Refusal.UNREADABLE


def test_a_mail_without_a_sender_is_read_all_the_same() -> None:
    """No From, or a From with no address, even no header at all: the text is kept (the handler
    quarantines it as `no_sender`), not thrown away as unreadable."""
    assert parse(corpus("msg_37.txt")).sender == ""
    assert parse(b"From: Dossiers Van Hove\r\n\r\nZie bijlage.").sender == ""
    headerless = parse(b"Wij kennen deze persoon niet.\r\n")
    assert (headerless.sender, headerless.body) == ("", "Wij kennen deze persoon niet.")


# Real-world mail (tests/mail_corpus: CPython's email test corpus) whose text was lost: the text
# inside a forwarded message/rfc822, a multipart/digest, text/x-* parts refused as attachments
@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("msg_46.txt", ["Testing email forwarding with Groupwise 1.2.2010", 'From: "Dr. Sender"']),
        ("msg_11.txt", ["Here is the body of the message.", "Subject: An enclosed message"]),
        ("msg_28.txt", ["message 1", "message 2"]),
        ("msg_02.txt", ["Send Ppp mailing list submissions to", "Today's Topics:", "testing #5"]),
        ("msg_37.txt", ["Blah\n\nBlah\n\nBlah"]),
    ],
)
def test_text_in_forwarded_messages_digests_and_any_text_subtype_is_kept(name: str, said: list[str]) -> None:
    parsed = parse(corpus(name))
    for text in said:
        assert text in parsed.body
    assert parsed.refused == ()  # no text part is refused as a file


def test_the_reply_s_own_history_goes_but_a_forwarded_message_is_kept_whole_with_its_files() -> None:
    forwarded = EmailMessage()
    forwarded["From"] = "boekhouding@vanhove.example"
    forwarded["Subject"] = "Afrekening"
    forwarded.set_content("Saldo 120,00.\n> quoted in the forwarded mail stays\n")
    forwarded.add_attachment(PDF, maintype="application", subtype="pdf", filename="afrekening.pdf")
    message = EmailMessage()
    message["From"] = "dossiers@vanhove.example"
    message.set_content("Zie doorgestuurd bericht.\n\nOp 12 nov. 2026 schreef Respite:\n> Geachte")
    message.add_attachment(forwarded)  # message/rfc822

    parsed = parse(message.as_bytes())
    body = parsed.body

    assert [(a.filename, a.data) for a in parsed.attachments] == [("afrekening.pdf", PDF)]  # its files too
    assert body.startswith("Zie doorgestuurd bericht.\n\n---------- forwarded message ----------")
    assert "Geachte" not in body
    assert "Subject: Afrekening" in body
    assert "Saldo 120,00.\n> quoted in the forwarded mail stays" in body


def test_a_text_file_attached_as_a_file_stays_a_refused_file() -> None:
    raw = mail("Hierbij.", (b"a;b\n1;2\n", "text/csv", "vorderingen.csv"))
    parsed = parse(raw)
    assert parsed.body == "Hierbij."
    assert [(r.content_type, r.reason) for r in parsed.refused] == [
        ("text/csv", "only PDF, JPEG and PNG files are accepted")
    ]


def test_the_kept_text_is_bounded() -> None:
    body = parse(mail("x" * (MAX_BODY_CHARS * 2))).body
    assert len(body) == MAX_BODY_CHARS
    assert body.endswith("[…]")
