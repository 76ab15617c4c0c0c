"""What we send verifies with the `standardwebhooks` library exactly as sent: with either secret during
a rotation, never after a change of body, id or timestamp, never when stale."""

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from respite_core.settings import variable
from respite_notifications.webhooks import payload
from respite_notifications.webhooks.signing import signature_headers

PUBLIC_URL_VARIABLE = variable("public_base_url")

OLD = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
NEW = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"
OTHER = "whsec_dGhpcyBpcyBub3QgdGhlIHNlY3JldCB5b3Ugd2FudA=="

DELIVERY = {
    "webhook_id": "msg_01JTESTMESSAGE",
    "office_id": "vanhove",
    "agency_id": "ocmw-gent",
    "dossier_id": "01JTESTDOSSIER",
    "message_id": "01JTESTMESSAGE",
    "message_type": "notice",
    "message_created_at": "2026-03-02T09:00:00.000000Z",
}
MESSAGE = {
    "message_id": "01JTESTMESSAGE",
    "conversation_id": "01JTESTCONVERSATION",
    "dossier_id": "01JTESTDOSSIER",
    "type": "notice",
    "created_at": "2026-03-02T09:00:00.000000Z",
    "reply_due_on": "2026-03-16",
    "sender": "ocmw-gent",
    "receiver": "vanhove",
}

type Tamper = Callable[[str, dict[str, str]], tuple[str, dict[str, str]]]


def signed(secrets: list[str], at: datetime | None = None) -> tuple[str, dict[str, str]]:
    at = at or datetime.now(UTC)
    body = payload.body(DELIVERY, MESSAGE, at=at)
    return body, signature_headers("msg_01JTESTMESSAGE", body, secrets, at=at)


def test_one_secret_one_signature_that_the_receiver_verifies() -> None:
    body, headers = signed([NEW])

    assert set(headers) == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    assert headers["webhook-signature"].startswith("v1,")
    assert " " not in headers["webhook-signature"]
    assert Webhook(NEW).verify(body, headers)["data"]["message_id"] == "01JTESTMESSAGE"


def test_during_a_rotation_a_receiver_on_either_secret_verifies() -> None:
    body, headers = signed([NEW, OLD])  # newest first, as Directory.webhook_secrets gives them

    assert len(headers["webhook-signature"].split(" ")) == 2
    Webhook(NEW).verify(body, headers)
    Webhook(OLD).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(OTHER).verify(body, headers)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda body, headers: (body.replace("notice", "proposal"), headers),
        lambda body, headers: (body + " ", headers),
        lambda body, headers: (body, headers | {"webhook-id": "msg_another"}),
        lambda body, headers: (
            body,
            headers | {"webhook-timestamp": str(int(headers["webhook-timestamp"]) + 1)},
        ),
        lambda body, headers: (
            body,
            headers | {"webhook-signature": headers["webhook-signature"].split(" ")[0][:-4] + "AAA="},
        ),
    ],
    ids=["body", "trailing-space", "id", "timestamp", "signature"],
)
def test_what_we_send_verifies_only_as_sent(tamper: Tamper) -> None:
    body, headers = signed([NEW, OLD])
    changed_body, changed_headers = tamper(body, headers)
    for secret in (NEW, OLD):
        with pytest.raises(WebhookVerificationError):
            Webhook(secret).verify(changed_body, changed_headers)


def test_a_stale_or_future_timestamp_is_refused_even_when_correctly_signed() -> None:
    for skew in (timedelta(minutes=-6), timedelta(minutes=6)):
        body, headers = signed([NEW], at=datetime.now(UTC) + skew)
        with pytest.raises(WebhookVerificationError, match=r"too old|too new"):
            Webhook(NEW).verify(body, headers)


def test_signing_needs_a_secret() -> None:
    with pytest.raises(ValueError, match="no secret"):
        signature_headers("msg_x", "{}", [], at=datetime.now(UTC))


def test_the_body_says_what_to_fetch_and_where_and_nothing_personal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PUBLIC_URL_VARIABLE, "https://api.respite.example/")
    at = datetime(2026, 3, 2, 9, 0, 5, tzinfo=UTC)
    document = json.loads(payload.body(DELIVERY, MESSAGE, at=at))

    assert document["type"] == "message.created"
    assert document["timestamp"] == "2026-03-02T09:00:05.000000Z"
    data = document["data"]
    assert data == {
        "office_id": "vanhove",
        "agency_id": "ocmw-gent",
        "dossier_id": "01JTESTDOSSIER",
        "message_id": "01JTESTMESSAGE",
        "conversation_id": "01JTESTCONVERSATION",
        "message_type": "notice",
        "created_at": "2026-03-02T09:00:00.000000Z",
        "reply_due_on": "2026-03-16",
        "links": {
            "inbox": "https://api.respite.example/claims/inbox",
            "replies": "https://api.respite.example/claims/dossiers/01JTESTDOSSIER/messages/01JTESTMESSAGE/replies",
            "claims_csv": "https://api.respite.example/claims/dossiers/01JTESTDOSSIER/messages/01JTESTMESSAGE/claims.csv",
            "acknowledgement": "https://api.respite.example/claims/dossiers/01JTESTDOSSIER/messages/01JTESTMESSAGE/acknowledgement",
            "callback": "https://api.respite.example/claims/callbacks/01JTESTDOSSIER/01JTESTMESSAGE",
        },
    }
    assert payload.webhook_id_for("01JTESTMESSAGE") == "msg_01JTESTMESSAGE"


def test_a_proposal_with_its_budget_pdf_names_the_link_that_downloads_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(PUBLIC_URL_VARIABLE, "https://api.respite.example")
    proposal = MESSAGE | {"type": "proposal", "document_ids": ["01JBUDGET"], "sealed_body": "v1:..."}

    data = json.loads(payload.body(DELIVERY, proposal, at=datetime(2026, 3, 2, tzinfo=UTC)))["data"]

    assert data["documents"] == [
        {
            "document_id": "01JBUDGET",
            "url": "https://api.respite.example/claims/dossiers/01JTESTDOSSIER/messages/01JTESTMESSAGE"
            "/documents/01JBUDGET",
        }
    ]
    assert "sealed_body" not in json.dumps(data)
    assert "documents" not in json.loads(payload.body(DELIVERY, MESSAGE, at=datetime.now(UTC)))["data"]
