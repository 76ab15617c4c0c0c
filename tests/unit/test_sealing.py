"""Sealing with a dossier's data key, without AWS: a sealed value or document opens only with its own
key, for its own dossier and its own name; moved or altered, it does not open."""

import os

import pytest
from cryptography.exceptions import InvalidTag

from respite_core.store.data_keys import DataKey

KEY = DataKey("D1", os.urandom(32))
PDF = b"%PDF-1.7 Quintelier"


def test_a_sealed_document_opens_with_its_key_and_name() -> None:
    sealed = KEY.seal_bytes("dossiers/D1/consent/F1", PDF)
    assert PDF not in sealed
    assert KEY.open_bytes("dossiers/D1/consent/F1", sealed) == PDF


@pytest.mark.parametrize(
    ("key", "name"),
    [
        (DataKey("D1", os.urandom(32)), "dossiers/D1/consent/F1"),  # another key: the destroyed one is gone
        (DataKey("D2", KEY.plaintext), "dossiers/D1/consent/F1"),  # the same bytes moved to another dossier
        (KEY, "dossiers/D1/consent/F2"),  # moved to another object
    ],
)
def test_a_sealed_document_opens_with_nothing_else(key: DataKey, name: str) -> None:
    sealed = KEY.seal_bytes("dossiers/D1/consent/F1", PDF)
    with pytest.raises(InvalidTag):
        key.open_bytes(name, sealed)


def test_an_unsealed_object_is_refused() -> None:
    with pytest.raises(ValueError, match="not a sealed document"):
        KEY.open_bytes("dossiers/D1/consent/F1", PDF)
