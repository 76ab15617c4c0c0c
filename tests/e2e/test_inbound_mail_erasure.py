"""Inbound mail and erasure on the local stack: nothing of a mail outlives the dossier it is about.

A mail for an unknown reference, and an office's reply that arrives after the dossier was erased,
are kept nowhere: no item, no object (every table scanned, every bucket read), only a log line of
ids and the reason. A linked reply and a quarantined one, both naming the person, are erased with
their dossier. The searches are the erasure tests' own (`tests/e2e/test_erasure.py`).
"""

import secrets
import uuid
from email.message import EmailMessage
from typing import Any

import pytest
import requests

from tests.e2e.conftest import RunningStack, wait_for
from tests.e2e.test_dossiers import OLGA, PDF, Client
from tests.e2e.test_erasure import (
    Person,
    distinctive_person,
    erased,
    every_object,
    every_table,
    items_naming,
    leaks,
    lifecycle,
    the_logs,
)
from tests.e2e.test_inbound_mail import OFFICE_ADDRESS, in_feed, kept_mails
from tests.e2e.test_link_page import mails_about
from tests.e2e.test_negotiation import Agency
from tests.e2e.test_slice import ANNA


@pytest.fixture(scope="module")
def anna(stack: RunningStack) -> Agency:
    return Agency(stack, ANNA)


@pytest.fixture(scope="module")
def olga(stack: RunningStack) -> Client:
    """An operator: reads erasure receipts."""
    return Client(stack, OLGA)


def mail_naming(person: Person, *, to: str, sender: str = OFFICE_ADDRESS) -> bytes:
    """An office's mail that names the person every way it can, with a PDF that does too."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = f"Re: dossier {person.family_name}"
    message.set_content(
        f"{person.family_name}, rijksregister {person.markers['national number (printed)']}, "
        f"{person.street}; schrijf naar {person.email}. Onze referentie {person.claim_reference}."
    )
    attachment = PDF.replace(b"signed consent form", f"afrekening {person.family_name}".encode())
    message.add_attachment(attachment, maintype="application", subtype="pdf", filename="afrekening.pdf")
    return message.as_bytes()


def receive(stack: RunningStack, raw: bytes) -> dict[str, Any]:
    """SES's receipt rule played: the raw MIME to the inbound bucket, then the inbound function."""
    answer = requests.post(
        f"{stack.base_url}/local/inbound-mail",
        data=raw,
        headers={"Content-Type": "message/rfc822"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    received: dict[str, Any] = answer.json()
    return received


def stored(stack: RunningStack) -> str:
    return every_table(stack) + every_object(stack)


def dropped_lines(stack: RunningStack, ses_message_id: str) -> list[str]:
    return [
        line
        for line in the_logs(stack).splitlines()
        if "inbound mail dropped" in line and ses_message_id in line
    ]


def withdraw(agency: Agency, dossier_id: str) -> None:
    withdrawn = agency.post(
        f"/dossiers/{dossier_id}/consent/withdrawal", **{"Idempotency-Key": uuid.uuid4().hex}
    )
    assert withdrawn.status_code == 200, withdrawn.text


def test_a_mail_for_an_unknown_reference_leaves_nothing_but_a_log_line_of_ids(stack: RunningStack) -> None:
    person = distinctive_person()
    unknown = "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz234567") for _ in range(32))

    arrived = receive(stack, mail_naming(person, to=f"reply+{unknown}@inbound.respite.example"))

    assert arrived["outcomes"] == ["dropped:token_unknown"]
    assert leaks(stack, person) == {}  # tables, buckets, queues, logs
    assert arrived["message_id"] not in stored(stack)  # not even a record that it came
    [logged] = wait_for(lambda: dropped_lines(stack, arrived["message_id"]))
    assert "token_unknown" in logged
    assert unknown not in the_logs(stack)


def test_a_reply_after_the_erasure_leaves_nothing(stack: RunningStack, anna: Agency, olga: Client) -> None:
    person = distinctive_person()
    dossier_id = lifecycle(stack, anna, person)
    [notice_mail] = wait_for(lambda: mails_about(stack, dossier_id, OFFICE_ADDRESS), timeout_s=15)
    withdraw(anna, dossier_id)
    erased(stack, olga, dossier_id)

    arrived = receive(stack, mail_naming(person, to=str(notice_mail.message["Reply-To"])))

    assert arrived["outcomes"] == ["dropped:token_unknown"]  # the erasure deleted the dossier's tokens
    assert leaks(stack, person) == {}
    assert arrived["message_id"] not in stored(stack)
    assert not items_naming(stack, dossier_id)
    assert wait_for(lambda: dropped_lines(stack, arrived["message_id"]))


def test_after_the_erasure_nothing_of_a_linked_or_a_quarantined_mail_remains(
    stack: RunningStack, anna: Agency, olga: Client
) -> None:
    person = distinctive_person()
    dossier_id = lifecycle(stack, anna, person, mail=True)  # the office's reply by mail, linked
    [notice_mail] = wait_for(lambda: mails_about(stack, dossier_id, OFFICE_ADDRESS), timeout_s=15)
    stranger = mail_naming(person, to=str(notice_mail.message["Reply-To"]), sender="clerk@attacker.example")
    quarantined = receive(stack, stranger)
    assert quarantined["outcomes"] == ["quarantined:sender_not_of_office"]
    kept = {item["entity"]["S"]: item["SK"]["S"] for item in kept_mails(stack, dossier_id)}
    assert set(kept) == {"mail", "quarantined_mail"}
    assert wait_for(lambda: in_feed(stack, anna, dossier_id, "mail_quarantined"), timeout_s=20)
    assert wait_for(lambda: in_feed(stack, anna, dossier_id, "mail_received"), timeout_s=20)

    withdraw(anna, dossier_id)
    receipt = erased(stack, olga, dossier_id)

    assert receipt["objects"] >= 3  # the signed form and both mails' attachments
    assert leaks(stack, person) == {}
    everything = stored(stack)
    for sk in kept.values():
        assert sk.removeprefix("MAIL#") not in everything
    assert "attacker" not in everything
