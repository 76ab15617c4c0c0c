"""The pseudonymous national-number index: a keyed hash, so a table dump reveals no national number.

HMAC-SHA256 under a secret key (Secrets Manager); without the key the hashes cannot be reversed by
enumerating the few billion possible numbers. The key is read once per process and cached.
"""

import hashlib
import hmac
from functools import cache

from respite_core import aws
from respite_core.resources import SecretName, locate


def pseudonym(country: str, compact_number: str, key: bytes) -> str:
    """The keyed hash of a national number (country-qualified: a BE and an NL number never collide)."""
    message = f"{country}:{compact_number}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


@cache
def pseudonym_key() -> bytes:
    secret = aws.secrets().get_secret_value(SecretId=locate(SecretName.PSEUDONYM_KEY))
    value = secret.get("SecretBinary") or secret["SecretString"].encode()
    if len(value) < 32:
        raise ValueError("the pseudonym key must hold at least 32 bytes")
    return bytes(value)
