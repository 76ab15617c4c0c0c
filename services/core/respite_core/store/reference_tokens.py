"""Reference tokens: the link in an office's email, and the `reply+<token>@…` address beside it.

A token opens one message (a request of one dossier) for one office, and nothing else. It is random
(160 bits), shown once (in the email) and stored only as its SHA-256, so a dump of the deliveries
table opens nothing. It expires (30 days by default) and can be revoked.

Items (no personal data):

- deliveries table, `PK = SK = TOKEN#<sha256>`: dossier_id, message_id, office_id, valid_until,
  revoked. `expires_at` (TTL) is 30 days after `valid_until`: until then an expired token is
  recognised as such (410 Gone); after it, the item is gone and the token is unknown (404).
- deliveries table, `PK = SK = TOKENFOR#<message_id>#<office_id>`: the hash of the one live token of
  that pair, so a redelivered outbox event does not leave two tokens for one message.
- dossier table, `PK = DOSSIER#<id>`, `SK = TOKEN#<sha256>` (entity `reference_token`): a pointer, so
  erasing a dossier finds (and revokes) its tokens with the rest of its partition.

A token is issued behind the liveness fence (`respite_core.store.fence`): none is issued for a
dossier whose data key is destroyed (DataKeyDestroyed), so none outlives the erasure.

Tokens are lower-case base32: an email address's local part may be case-folded on its way, and the
token must survive that (`resolve` folds the case too).
"""

import base64
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from respite_core import table_keys
from respite_core.ids import parse_iso, to_iso
from respite_core.resources import TableName
from respite_core.store.fence import write_about
from respite_core.store.items import ENTITY, EXPIRES_AT, Entity
from respite_core.store.table import Table, TransactionConflict

DEFAULT_VALIDITY = timedelta(days=30)
GONE_REMEMBERED = timedelta(days=30)  # an expired token answers 410 this long, then it is unknown (404)
TOKEN_BYTES = 20  # 160 bits; base32 without padding: 32 characters
_TOKEN_SHAPE = re.compile(r"[a-z2-7]{32}", re.ASCII)


class UnknownToken(LookupError):
    """No such token (never issued, mistyped, or forgotten long after it expired): 404."""


class TokenGone(Exception):
    """The token existed but no longer opens anything: 410."""


class ExpiredToken(TokenGone):
    pass


class RevokedToken(TokenGone):
    pass


@dataclass(frozen=True)
class TokenGrant:
    """What a valid token opens: one message of one dossier, for one office."""

    token_hash: str
    dossier_id: str
    message_id: str
    office_id: str
    valid_until: datetime

    def __repr__(self) -> str:  # ids only; the hash is not a secret but needs no printing either
        return f"TokenGrant({self.dossier_id}, {self.message_id}, {self.office_id})"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.strip().lower().encode()).hexdigest()


def new_token() -> str:
    return base64.b32encode(secrets.token_bytes(TOKEN_BYTES)).decode().lower()


def looks_like_token(text: str) -> bool:
    """Cheap shape check before any read (mistyped or hostile input costs nothing)."""
    return _TOKEN_SHAPE.fullmatch(text.strip().lower()) is not None


def _deliveries() -> Table:
    return Table(TableName.DELIVERIES)


def _dossiers() -> Table:
    return Table(TableName.DOSSIERS)


def _records(
    hashed: str, dossier_id: str, message_id: str, office_id: str, now: datetime, valid_for: timedelta
) -> tuple[dict[str, Any], dict[str, Any], int]:
    valid_until = now + valid_for
    expires_at = int((valid_until + GONE_REMEMBERED).timestamp())
    key = table_keys.reference_token(hashed)
    grant = {
        "dossier_id": dossier_id,
        "message_id": message_id,
        "office_id": office_id,
        "valid_until": to_iso(valid_until),
        "issued_at": to_iso(now),
    }
    token_item = {
        "PK": key,
        "SK": key,
        ENTITY: Entity.REFERENCE_TOKEN,
        "revoked": False,
        EXPIRES_AT: expires_at,
    } | grant
    # the pointer has no TTL: it stays with its dossier and is erased with the dossier's partition
    pointer = {"PK": table_keys.dossier(dossier_id), "SK": key, ENTITY: Entity.REFERENCE_TOKEN}
    return token_item, pointer | grant, expires_at


def issue(
    dossier_id: str, message_id: str, office_id: str, now: datetime, valid_for: timedelta = DEFAULT_VALIDITY
) -> str:
    """A new token for this message and office; returns it in clear (the only time it exists so).
    DataKeyDestroyed (and nothing written) once the dossier is erased."""
    token = new_token()
    token_item, pointer, _ = _records(token_hash(token), dossier_id, message_id, office_id, now, valid_for)
    write_about(
        dossier_id,
        [
            _deliveries().put_op(token_item, unless_exists=True),
            _dossiers().put_op(pointer, unless_exists=True),
        ],
    )
    return token


def issue_for_message(
    dossier_id: str,
    message_id: str,
    office_id: str,
    now: datetime,
    valid_for: timedelta = DEFAULT_VALIDITY,
    *,
    replace: bool = False,
) -> str | None:
    """The one token of (message, office), in clear; None when one exists already and `replace` is
    false (a clear token cannot be recovered from its hash, so the caller that sent it keeps it).

    With `replace`, an existing token is revoked in the same transaction that issues the new one: the
    email sender uses this when an earlier attempt issued a token but never sent it. Either way at
    most one token of the pair is live, and a concurrent issuer loses (None) instead of adding one.
    DataKeyDestroyed (and nothing written) once the dossier is erased.
    """
    deliveries, dossiers = _deliveries(), _dossiers()
    pair = table_keys.token_for(message_id, office_id)
    current = deliveries.get(pair, pair)
    if current is not None and not replace:
        return None
    token = new_token()
    hashed = token_hash(token)
    token_item, pointer, expires_at = _records(hashed, dossier_id, message_id, office_id, now, valid_for)
    pair_item = {
        "PK": pair,
        "SK": pair,
        ENTITY: Entity.TOKEN_FOR,
        "token_hash": hashed,
        EXPIRES_AT: expires_at,
    }
    operations = [
        deliveries.put_op(token_item, unless_exists=True),
        dossiers.put_op(pointer, unless_exists=True),
    ]
    if current is None:
        operations.append(deliveries.put_op(pair_item, unless_exists=True))
    else:
        previous = str(current["token_hash"])
        put_pair = deliveries.put_op(pair_item)
        put_pair["Put"]["ConditionExpression"] = "token_hash = :previous"
        put_pair["Put"]["ExpressionAttributeValues"] = {":previous": {"S": previous}}
        operations.append(put_pair)
        revoke_key = table_keys.reference_token(previous)
        operations.append(deliveries.update_op(revoke_key, revoke_key, changes={"revoked": True}))
    try:
        write_about(dossier_id, operations)
    except TransactionConflict:
        return None  # another issuer won the pair meanwhile: its token is the one
    return token


def resolve(token: str, now: datetime) -> TokenGrant:
    """What `token` opens; UnknownToken (404), ExpiredToken or RevokedToken (410)."""
    if not looks_like_token(token):
        raise UnknownToken
    key = table_keys.reference_token(token_hash(token))
    item = _deliveries().get(key, key)
    if item is None or item.get(ENTITY) != Entity.REFERENCE_TOKEN:
        raise UnknownToken
    if item.get("revoked"):
        raise RevokedToken
    grant = TokenGrant(
        token_hash=token_hash(token),
        dossier_id=str(item["dossier_id"]),
        message_id=str(item["message_id"]),
        office_id=str(item["office_id"]),
        valid_until=parse_iso(str(item["valid_until"])),
    )
    if grant.valid_until <= now:
        raise ExpiredToken
    return grant


def revoke(hashed: str) -> bool:
    """Revoke the token with this hash; False when there is no such token."""
    from botocore.exceptions import ClientError

    key = table_keys.reference_token(hashed)
    try:
        _deliveries().update(key, key, changes={"revoked": True})
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
            return False
        raise
    return True


def tokens_of_dossier(dossier_id: str) -> list[str]:
    """The hashes of every token issued for the dossier's messages (for erasure)."""
    prefix = table_keys.reference_token("")
    items = _dossiers().query(
        "PK = :pk AND begins_with(SK, :prefix)",
        {":pk": table_keys.dossier(dossier_id), ":prefix": prefix},
        consistent=True,
    )
    return [
        str(item["SK"]).removeprefix(prefix) for item in items if item.get(ENTITY) == Entity.REFERENCE_TOKEN
    ]


def revoke_dossier(dossier_id: str) -> int:
    """Revoke every token of the dossier (consent withdrawn, dossier erased); how many were revoked."""
    return sum(revoke(hashed) for hashed in tokens_of_dossier(dossier_id))
