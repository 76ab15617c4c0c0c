"""Per-dossier data keys: KMS envelope encryption with crypto-shredding.

A dossier's personal fields are sealed with AES-256-GCM under its own data key. KMS generates the
key and wraps it (the encryption context binds the wrapped key to its dossier); only the wrapped
key is stored, in the key store table, apart from the data. Destroying that one item makes every
copy of the dossier's ciphertext — table backups, stream records, DLQ messages, attachments —
unreadable at once. Plaintext keys are never cached across calls, so destruction takes effect on
the next read in every process.
"""

import base64
import os
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from respite_core import aws, table_keys
from respite_core.resources import KeyName, TableName, locate
from respite_core.store.table import Table

_SEAL_VERSION = "v1"
_SEALED_BYTES = b"respite-sealed-v1\n"  # the first bytes of a sealed document


class DataKeyDestroyed(Exception):
    """The dossier's data key no longer exists: its personal data is erased for good."""


@dataclass(frozen=True)
class DataKey:
    dossier_id: str
    plaintext: bytes = b""
    wrapped: bytes = b""

    def __repr__(self) -> str:  # never print key material
        return f"DataKey({self.dossier_id})"

    def seal(self, field: str, value: str) -> str:
        nonce = os.urandom(12)
        sealed = AESGCM(self.plaintext).encrypt(nonce, value.encode(), self._aad(field))
        return f"{_SEAL_VERSION}:{base64.b64encode(nonce + sealed).decode()}"

    def open(self, field: str, sealed: str) -> str:
        version, _, payload = sealed.partition(":")
        if version != _SEAL_VERSION:
            raise ValueError(f"unknown seal version {version!r}")
        raw = base64.b64decode(payload)
        return AESGCM(self.plaintext).decrypt(raw[:12], raw[12:], self._aad(field)).decode()

    def seal_bytes(self, name: str, data: bytes) -> bytes:
        """A document's bytes sealed under this key, bound to `name` (its object key): the same
        crypto-shredding as the fields, for every object and copy of it."""
        nonce = os.urandom(12)
        return _SEALED_BYTES + nonce + AESGCM(self.plaintext).encrypt(nonce, data, self._aad(name))

    def open_bytes(self, name: str, sealed: bytes) -> bytes:
        if not sealed.startswith(_SEALED_BYTES):
            raise ValueError("not a sealed document")
        raw = sealed[len(_SEALED_BYTES) :]
        return AESGCM(self.plaintext).decrypt(raw[:12], raw[12:], self._aad(name))

    def _aad(self, field: str) -> bytes:
        # binds each ciphertext to its dossier and field: a sealed value cannot be moved elsewhere
        return f"{self.dossier_id}|{field}".encode()


class DataKeys:
    """The key store: create, open and destroy the data key of a dossier."""

    def __init__(self) -> None:
        self._table = Table(TableName.KEY_STORE)

    def generate(self, dossier_id: str) -> DataKey:
        """A fresh data key; not stored until `store_op` is written (with the dossier, atomically)."""
        response = aws.kms().generate_data_key(
            KeyId=locate(KeyName.DOSSIER_DATA), KeySpec="AES_256", EncryptionContext=_context(dossier_id)
        )
        return DataKey(dossier_id, response["Plaintext"], response["CiphertextBlob"])

    def store_op(self, key: DataKey) -> dict[str, Any]:
        pk = table_keys.data_key(key.dossier_id)
        return self._table.put_op({"PK": pk, "SK": pk, "wrapped": key.wrapped}, unless_exists=True)

    def open(self, dossier_id: str) -> DataKey:
        pk = table_keys.data_key(dossier_id)
        item = self._table.get(pk, pk)
        if item is None:
            raise DataKeyDestroyed(dossier_id)
        wrapped = bytes(item["wrapped"])
        response = aws.kms().decrypt(
            CiphertextBlob=wrapped, KeyId=locate(KeyName.DOSSIER_DATA), EncryptionContext=_context(dossier_id)
        )
        return DataKey(dossier_id, response["Plaintext"], wrapped)

    def exists(self, dossier_id: str) -> bool:
        """Whether the dossier's key is still there (a strongly consistent read; no KMS call)."""
        pk = table_keys.data_key(dossier_id)
        return self._table.get(pk, pk) is not None

    def destroy(self, dossier_id: str) -> bool:
        """Crypto-shred: True when a key existed and is now gone."""
        pk = table_keys.data_key(dossier_id)
        return self._table.delete(pk, pk)


def _context(dossier_id: str) -> dict[str, str]:
    return {"dossier_id": dossier_id}
