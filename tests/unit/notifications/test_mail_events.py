"""Bounces and complaints, as SES publishes them through a configuration set to SNS: which email, which
addresses, what the caseworker hears; and which addresses an email is still sent to."""

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from respite_notifications.feed import FeedKind
from respite_notifications.mail_events import (
    AboutMessage,
    MailEventKind,
    NotAMailEvent,
    addresses_to_flag,
    deliverable,
    feed_item_for,
    mail_event_from,
    message_tags,
    withheld_item,
)

ABOUT = AboutMessage("01JDOSSIER", "01JMESSAGE", "vanhove", "ocmw-gent")
TAGS = {
    "ses:configuration-set": ["respite-prod-offices"],
    "dossier_id": ["01JDOSSIER"],
    "message_id": ["01JMESSAGE"],
    "office_id": ["vanhove"],
    "agency_id": ["ocmw-gent"],
}


def ses_record(
    event_type: str = "Bounce", *, bounce_type: str = "Permanent", tags: Any = TAGS
) -> dict[str, Any]:
    """An SES event record as the SES developer guide shows it (event publishing to SNS)."""
    mail = {
        "timestamp": "2026-11-20T09:00:00.012Z",
        "source": "Respite <no-reply@respite.example>",
        "sendingAccountId": "123456789012",
        "messageId": "0102019a-ses-id-000000",
        "destination": ["dossiers@vanhove.example", "info@vanhove.example"],
        "headersTruncated": False,
        "tags": tags,
    }
    if event_type == "Bounce":
        detail: dict[str, Any] = {
            "bounce": {
                "bounceType": bounce_type,
                "bounceSubType": "General",
                "bouncedRecipients": [
                    {
                        "emailAddress": "Dossiers@VanHove.example",
                        "action": "failed",
                        "status": "5.1.1",
                        "diagnosticCode": "smtp; 550 5.1.1 user unknown",
                    }
                ],
                "timestamp": "2026-11-20T09:00:02.669Z",
                "feedbackId": "0102019a-feedback-000000",
            }
        }
    else:
        detail = {
            "complaint": {
                "complainedRecipients": [{"emailAddress": "info@vanhove.example"}],
                "timestamp": "2026-11-20T10:00:00.000Z",
                "feedbackId": "0102019a-feedback-000001",
                "complaintFeedbackType": "abuse",
            }
        }
    return {"eventType": event_type, "mail": mail} | detail


def sns_envelope(record: dict[str, Any]) -> str:
    """What SNS delivers to an SQS subscriber without raw message delivery."""
    return json.dumps(
        {
            "Type": "Notification",
            "MessageId": "5d6c0a2e-0000-0000-0000-000000000000",
            "TopicArn": "arn:aws:sns:eu-west-1:123456789012:respite-prod-mail-events",
            "Message": json.dumps(record),
            "Timestamp": "2026-11-20T09:00:03.000Z",
            "SignatureVersion": "1",
        }
    )


def test_a_permanent_bounce_names_its_email_by_tags_and_its_recipient() -> None:
    event = mail_event_from(sns_envelope(ses_record()))

    assert event is not None
    assert event.kind is MailEventKind.BOUNCE
    assert event.permanent
    assert event.about == ABOUT
    assert event.addresses == ("dossiers@vanhove.example",)
    assert event.ses_message_id == "0102019a-ses-id-000000"
    assert event.happened_at == datetime(2026, 11, 20, 9, 0, 2, 669000, tzinfo=UTC)


def test_a_bare_event_record_is_read_as_well_as_the_sns_envelope() -> None:
    event = mail_event_from(json.dumps(ses_record("Complaint")))

    assert event is not None
    assert event.kind is MailEventKind.COMPLAINT
    assert event.permanent
    assert event.addresses == ("info@vanhove.example",)


def test_other_event_types_are_not_mail_events() -> None:
    assert mail_event_from(json.dumps({"eventType": "Delivery", "mail": {"messageId": "x"}})) is None


@pytest.mark.parametrize("body", ["not json", "[1, 2]", json.dumps({"eventType": "Bounce", "mail": {}})])
def test_what_is_not_an_ses_event_is_refused(body: str) -> None:
    with pytest.raises(NotAMailEvent):
        mail_event_from(body)


def test_an_email_without_our_tags_is_about_nothing() -> None:
    event = mail_event_from(json.dumps(ses_record(tags={"ses:configuration-set": ["x"]})))

    assert event is not None
    assert event.about is None
    assert feed_item_for(event, flagged=0, agency_id="ocmw-gent") is None


def test_only_the_offices_own_addresses_are_flagged_and_only_for_lasting_trouble() -> None:
    permanent = mail_event_from(json.dumps(ses_record()))
    transient = mail_event_from(json.dumps(ses_record(bounce_type="Transient")))
    assert permanent is not None
    assert transient is not None

    assert addresses_to_flag(permanent, ["dossiers@vanhove.example", "info@vanhove.example"]) == (
        "dossiers@vanhove.example",
    )
    assert addresses_to_flag(permanent, ["someone@else.example"]) == ()
    assert addresses_to_flag(transient, ["dossiers@vanhove.example"]) == ()


def test_the_caseworkers_alert_names_the_dossier_and_office_but_no_address() -> None:
    event = mail_event_from(sns_envelope(ses_record()))
    assert event is not None

    item = feed_item_for(event, flagged=1, agency_id="shv-utrecht")  # the dossier moved since

    assert item is not None
    assert item.kind is FeedKind.EMAIL_BOUNCED
    assert (item.agency_id, item.dossier_id, item.office_id, item.message_id) == (
        "shv-utrecht",
        "01JDOSSIER",
        "vanhove",
        "01JMESSAGE",
    )
    assert item.summary == {"addresses_flagged": 1}
    assert "vanhove.example" not in item.model_dump_json()
    assert feed_item_for(event, flagged=1, agency_id=None) is None  # the dossier is erased


def test_a_redelivered_event_makes_the_same_feed_item() -> None:
    first = mail_event_from(sns_envelope(ses_record("Complaint")))
    again = mail_event_from(sns_envelope(ses_record("Complaint")))
    assert first is not None
    assert again is not None

    one, two = (feed_item_for(e, flagged=1, agency_id="ocmw-gent") for e in (first, again))

    assert one is not None
    assert two is not None
    assert one.kind is FeedKind.EMAIL_COMPLAINED
    assert one.item_id == two.item_id


def test_tags_carry_ids_only_and_leave_out_what_ses_would_refuse() -> None:
    assert message_tags(ABOUT) == [
        {"Name": "dossier_id", "Value": "01JDOSSIER"},
        {"Name": "message_id", "Value": "01JMESSAGE"},
        {"Name": "office_id", "Value": "vanhove"},
        {"Name": "agency_id", "Value": "ocmw-gent"},
    ]
    odd = AboutMessage("01JDOSSIER", "a message/with spaces", "vanhove", "ocmw-gent")
    assert [t["Name"] for t in message_tags(odd)] == ["dossier_id", "office_id", "agency_id"]


def test_flagged_addresses_are_withheld_whatever_their_case() -> None:
    addresses = ("dossiers@vanhove.example", "info@vanhove.example")

    assert deliverable(addresses, ["DOSSIERS@vanhove.example"]) == (("info@vanhove.example",), 1)
    assert deliverable(addresses, []) == (addresses, 0)
    assert deliverable(addresses, addresses) == ((), 2)


def test_the_withheld_item_counts_addresses_without_naming_them() -> None:
    at = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

    item = withheld_item(ABOUT, withheld=2, sent=0, at=at)

    assert item.kind is FeedKind.EMAIL_WITHHELD
    assert item.summary == {"addresses_withheld": 2, "addresses_sent": 0}
    assert item.item_id == withheld_item(ABOUT, withheld=2, sent=0, at=at).item_id
    assert "@" not in item.model_dump_json()


def test_the_alerts_say_what_happened_with_the_offices_name_and_no_address() -> None:
    event = mail_event_from(sns_envelope(ses_record()))
    assert event is not None
    names = {"vanhove": "Gerechtsdeurwaarders Van Hove"}.get
    at = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)

    bounced = feed_item_for(event, flagged=1, agency_id="ocmw-gent", office_name=lambda o: names(o) or o)
    withheld = withheld_item(ABOUT, withheld=2, sent=0, at=at, office_name=lambda o: names(o) or o)

    assert bounced is not None
    assert bounced.headline == "The email to Gerechtsdeurwaarders Van Hove bounced: 1 address flagged"
    assert withheld.headline == (
        "The email to Gerechtsdeurwaarders Van Hove skipped 2 addresses flagged: it went to nobody, "
        "reach the office another way"
    )
    assert "vanhove.example" not in bounced.model_dump_json() + withheld.model_dump_json()
