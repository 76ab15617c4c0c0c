"""Reference tokens against moto: random, stored only as a hash, one message and one office, expiring,
revocable, one live token per (message, office), and findable from their dossier for erasure."""

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from respite_core import aws as aws_clients
from respite_core import table_keys
from respite_core.resources import TableName, locate
from respite_core.store import reference_tokens as tokens
from respite_core.store.data_keys import DataKeyDestroyed
from respite_core.store.table import Table
from respite_infra.catalogue import CATALOGUE
from respite_infra.local.provision import provision

NOW = datetime.now(UTC).replace(microsecond=0)  # reads hide items past expires_at by the real clock


@pytest.fixture
def wired(aws: boto3.Session, stage: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in provision(CATALOGUE, stage, aws).items():
        monkeypatch.setenv(name, value)
    aws_clients.forget_clients()
    for n in range(1, 10):  # the dossiers D1..D9 live: tokens are issued behind the liveness fence
        living(f"D{n}")
    yield
    aws_clients.forget_clients()


def living(dossier_id: str) -> None:
    """A data key for `dossier_id` in the key store (its contents do not matter to tokens)."""
    pk = table_keys.data_key(dossier_id)
    Table(TableName.KEY_STORE).put({"PK": pk, "SK": pk, "wrapped": b"key"})


def scan(table: TableName) -> list[dict[str, Any]]:
    return [dict(item) for item in aws_clients.dynamodb().scan(TableName=locate(table))["Items"]]


@pytest.mark.usefixtures("wired")
def test_a_token_opens_its_message_for_its_office_and_is_stored_only_as_a_hash() -> None:
    token = tokens.issue("D1", "M1", "vanhove", NOW)

    grant = tokens.resolve(token, NOW + timedelta(days=1))

    assert (grant.dossier_id, grant.message_id, grant.office_id) == ("D1", "M1", "vanhove")
    assert grant.valid_until == NOW + timedelta(days=30)
    assert len(token) == 32
    assert token == token.lower()
    assert tokens.resolve(token.upper(), NOW) == grant  # an address's local part may be case-folded
    stored = json.dumps(scan(TableName.DELIVERIES) + scan(TableName.DOSSIERS))
    assert token not in stored
    assert tokens.token_hash(token) in stored
    assert tokens.tokens_of_dossier("D1") == [tokens.token_hash(token)]  # the pointer, for erasure


@pytest.mark.usefixtures("wired")
def test_two_tokens_are_never_alike() -> None:
    issued = {tokens.issue("D2", f"M{n}", "vanhove", NOW) for n in range(20)}
    assert len(issued) == 20


@pytest.mark.usefixtures("wired")
@pytest.mark.parametrize("text", ["", "nope", "a" * 31, "a" * 32, "../../etc/passwd", "x" * 4000])
def test_unknown_or_malformed_tokens_open_nothing(text: str) -> None:
    with pytest.raises(tokens.UnknownToken):
        tokens.resolve(text, NOW)


@pytest.mark.usefixtures("wired")
def test_an_expired_token_is_gone_and_later_unknown() -> None:
    token = tokens.issue("D3", "M1", "vanhove", NOW, valid_for=timedelta(days=1))

    assert tokens.resolve(token, NOW + timedelta(hours=23)).message_id == "M1"
    with pytest.raises(tokens.ExpiredToken):
        tokens.resolve(token, NOW + timedelta(days=1))
    key = f"TOKEN#{tokens.token_hash(token)}"
    item = aws_clients.dynamodb().get_item(
        TableName=locate(TableName.DELIVERIES), Key={"PK": {"S": key}, "SK": {"S": key}}
    )
    expires_at = int(item["Item"]["expires_at"]["N"])
    assert expires_at == int((NOW + timedelta(days=31)).timestamp())  # remembered 30 days, then TTL


@pytest.mark.usefixtures("wired")
def test_a_revoked_token_is_gone() -> None:
    token = tokens.issue("D4", "M1", "vanhove", NOW)

    assert tokens.revoke(tokens.token_hash(token)) is True

    with pytest.raises(tokens.RevokedToken):
        tokens.resolve(token, NOW)
    assert tokens.revoke("0" * 64) is False


@pytest.mark.usefixtures("wired")
def test_one_live_token_per_message_and_office() -> None:
    first = tokens.issue_for_message("D5", "M1", "vanhove", NOW)
    assert first is not None

    assert tokens.issue_for_message("D5", "M1", "vanhove", NOW) is None  # a redelivery issues none
    other_office = tokens.issue_for_message("D5", "M1", "lambert", NOW)
    assert other_office is not None
    assert other_office != first
    replacement = tokens.issue_for_message("D5", "M1", "vanhove", NOW, replace=True)

    assert replacement is not None
    with pytest.raises(tokens.RevokedToken):
        tokens.resolve(first, NOW)  # never sent: revoked as its replacement is issued
    assert tokens.resolve(replacement, NOW).office_id == "vanhove"
    assert tokens.resolve(other_office, NOW).office_id == "lambert"


@pytest.mark.usefixtures("wired")
def test_every_token_of_a_dossier_can_be_revoked_at_once() -> None:
    issued = [tokens.issue("D6", f"M{n}", "vanhove", NOW) for n in range(3)]
    unrelated = tokens.issue("D7", "M1", "vanhove", NOW)

    assert tokens.revoke_dossier("D6") == 3

    for token in issued:
        with pytest.raises(tokens.RevokedToken):
            tokens.resolve(token, NOW)
    assert tokens.resolve(unrelated, NOW).dossier_id == "D7"


@pytest.mark.usefixtures("wired")
def test_no_token_is_issued_for_a_dossier_whose_data_key_is_destroyed() -> None:
    with pytest.raises(DataKeyDestroyed):
        tokens.issue("ERASED", "M1", "vanhove", NOW)
    with pytest.raises(DataKeyDestroyed):
        tokens.issue_for_message("ERASED", "M1", "vanhove", NOW)
    assert scan(TableName.DELIVERIES) == []
    assert scan(TableName.DOSSIERS) == []
