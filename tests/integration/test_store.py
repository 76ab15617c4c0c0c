"""The kernel's data access against moto: data keys, the live-item filter, the pseudonym key."""

import base64
import time
from collections.abc import Iterator

import boto3
import pytest
from cryptography.exceptions import InvalidTag

from respite_core import aws as aws_clients
from respite_core.resources import SecretName, TableName, locate
from respite_core.store.data_keys import DataKeyDestroyed, DataKeys
from respite_core.store.items import to_dynamo
from respite_core.store.pseudonyms import pseudonym, pseudonym_key
from respite_core.store.table import Table
from respite_infra.catalogue import CATALOGUE
from respite_infra.local.provision import provision


@pytest.fixture
def wired(aws: boto3.Session, stage: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process is a function of a freshly provisioned stage."""
    for name, value in provision(CATALOGUE, stage, aws).items():
        monkeypatch.setenv(name, value)
    aws_clients.forget_clients()
    pseudonym_key.cache_clear()
    yield
    aws_clients.forget_clients()
    pseudonym_key.cache_clear()


@pytest.mark.usefixtures("wired")
def test_a_sealed_field_opens_with_its_dossier_key_only() -> None:
    keys = DataKeys()
    first, second = keys.generate("D1"), keys.generate("D2")
    sealed = first.seal("person", "Jan Peeters")

    assert "Jan" not in sealed
    assert first.open("person", sealed) == "Jan Peeters"
    with pytest.raises(InvalidTag):
        second.open("person", sealed)  # another dossier's key
    with pytest.raises(InvalidTag):
        first.open("address", sealed)  # the same key, another field


@pytest.mark.usefixtures("wired")
def test_destroying_the_key_makes_every_copy_of_the_ciphertext_unreadable() -> None:
    keys = DataKeys()
    key = keys.generate("D3")
    aws_clients.dynamodb().transact_write_items(TransactItems=[keys.store_op(key)])  # type: ignore[list-item]
    sealed = key.seal("person", "Jan Peeters")
    assert keys.open("D3").open("person", sealed) == "Jan Peeters"

    assert keys.destroy("D3") is True

    with pytest.raises(DataKeyDestroyed):
        keys.open("D3")
    assert keys.destroy("D3") is False  # a second destruction is a no-op
    # the wrapped key itself is gone from the key store: nothing left to ask KMS to unwrap
    leftovers = aws_clients.dynamodb().scan(TableName=locate(TableName.KEY_STORE))["Items"]
    assert all("D3" not in item["PK"]["S"] for item in leftovers)


@pytest.mark.usefixtures("wired")
def test_a_wrapped_key_only_unwraps_for_its_own_dossier() -> None:
    keys = DataKeys()
    key = keys.generate("D4")
    kms = aws_clients.kms()
    with pytest.raises(kms.exceptions.InvalidCiphertextException):
        kms.decrypt(CiphertextBlob=key.wrapped, EncryptionContext={"dossier_id": "D5"})


@pytest.mark.usefixtures("wired")
def test_no_read_serves_an_item_past_expires_at_even_before_it_is_deleted() -> None:
    table = Table(TableName.DOSSIERS)
    now = int(time.time())
    table.put({"PK": "DOSSIER#X", "SK": "EXPIRED", "expires_at": now - 1})
    table.put({"PK": "DOSSIER#X", "SK": "LIVE", "expires_at": now + 3600})
    table.put({"PK": "DOSSIER#X", "SK": "FOREVER"})

    # the expired item is still physically there ...
    raw = aws_clients.dynamodb().get_item(
        TableName=locate(TableName.DOSSIERS), Key=to_dynamo({"PK": "DOSSIER#X", "SK": "EXPIRED"})
    )
    assert "Item" in raw
    # ... but no repository read returns it
    assert table.get("DOSSIER#X", "EXPIRED") is None
    assert table.get("DOSSIER#X", "LIVE") is not None
    assert sorted(i["SK"] for i in table.query_partition("DOSSIER#X")) == ["FOREVER", "LIVE"]


@pytest.mark.usefixtures("wired")
def test_the_pseudonym_key_comes_from_the_secret_and_hides_the_number() -> None:
    key = pseudonym_key()
    secret = aws_clients.secrets().get_secret_value(SecretId=locate(SecretName.PSEUDONYM_KEY))
    assert len(key) >= 32
    assert key in (secret.get("SecretBinary"), secret.get("SecretString", "").encode())
    hashed = pseudonym("BE", "85073003328", key)
    assert "85073003328" not in hashed
    assert hashed == pseudonym("BE", "85073003328", key)
    assert hashed != pseudonym("NL", "85073003328", key)
    assert hashed != pseudonym("BE", "85073003328", base64.b64encode(key))
