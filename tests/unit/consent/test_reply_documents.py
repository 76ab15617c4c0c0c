"""The dossier view's reply documents: each attachment under the reply or mail it came with, named as
the office named it (or by its id and type), and the mails in the order they arrived."""

from datetime import UTC, datetime, timedelta

from respite_consent.dossiers import (
    StoredAttachment,
    StoredMail,
    attachment_name,
    attachment_views,
    mail_views,
)

AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def document(
    owner: str, document_id: str, name: str = "", content_type: str = "application/pdf"
) -> StoredAttachment:
    return StoredAttachment(
        owner_id=owner,
        document_id=document_id,
        name=name,
        content_type=content_type,
        size_bytes=1234,
        key=f"dossiers/DOSSIER1/replies/{owner}/{document_id}",
    )


def mail(mail_id: str, received_at: datetime) -> StoredMail:
    return StoredMail(
        mail_id=mail_id,
        office_id="vanhove",
        in_reply_to="NOTICE1",
        received_at=received_at,
        subject="Re: Kennisgeving",
        body="Geen dossier.",
        refused_attachments=1,
    )


def test_an_attachment_keeps_the_offices_name_or_gets_one_from_its_id_and_type() -> None:
    assert attachment_name("afrekening.pdf", "01JABCDEFGH", "application/pdf") == "afrekening.pdf"
    assert attachment_name("  ", "01JABCDEFGHIJKLMN", "image/png") == "attachment-ghijklmn.png"
    assert attachment_name("", "X", "application/zip") == "attachment-x.bin"


def test_attachments_are_listed_under_their_own_reply_only() -> None:
    documents = [
        document("REPLY1", "D2", "b.pdf"),
        document("REPLY2", "D3"),
        document("REPLY1", "D1", "a.pdf"),
    ]

    views = attachment_views(documents, "REPLY1")

    assert [(v.document_id, v.name, v.content_type, v.size_bytes) for v in views] == [
        ("D1", "a.pdf", "application/pdf", 1234),
        ("D2", "b.pdf", "application/pdf", 1234),
    ]
    assert "key" not in views[0].model_dump()  # where it is sealed is not the caseworker's business
    assert attachment_views(documents, "NOBODY") == []


def test_mails_come_in_the_order_they_arrived_with_their_own_documents() -> None:
    later, earlier = mail("ses-b", AT + timedelta(hours=1)), mail("ses-a", AT)
    documents = [document("ses-b", "ses-b-0", "brief.pdf"), document("REPLY1", "D1")]

    views = mail_views([later, earlier], documents)

    assert [v.mail_id for v in views] == ["ses-a", "ses-b"]
    assert views[0].attachments == []
    assert [a.name for a in views[1].attachments] == ["brief.pdf"]
    assert views[1].refused_attachments == 1
