"""HTTP request idempotency (the `Idempotency-Key` header), on Powertools' idempotency utility.

`once(scope=..., key=..., request_fingerprint=..., run=...)` runs `run` at most once per
(scope, key) while its record lives, and answers every repeat with the first response, as the IETF
httpapi Idempotency-Key draft describes:

- same (scope, key), same fingerprint, first one done       -> the stored response, `run` not called;
- same (scope, key), different fingerprint                   -> `IdempotencyKeyReused` (caller: 422);
- same (scope, key) while the first is still running         -> `IdempotentRequestInProgress` (409);
- `run` raises                                               -> nothing stored, the exception propagates
                                                                unchanged, a retry runs again;
- a key that is not 1-255 printable ASCII characters         -> `ValueError` (caller: 400).

A different fingerprint is reported as reuse even while the first request runs: the draft treats a
key reused for another payload as a client error, whatever the state of the first request.

How Powertools is used: `idempotent_function` wraps a private function whose idempotency data is
`{"scope", "key", "fingerprint"}`; `event_key_jmespath="[scope, key]"` makes the record id and
`payload_validation_jmespath="fingerprint"` the validation hash. The id is Powertools'
`<key_prefix>#<sha256 of the JSON [scope, key]>` with the constant prefix `http`, so the table holds
neither the scope (agency and user ids) nor the client's key in clear, and two scopes never share a
record. The prefix is constant on purpose: Powertools writes the prefix into the (shared, per
process) persistence layer on every call, so a per-call prefix would race between threads.

Records live in the catalogue's idempotency table (`TableName.IDEMPOTENCY`: partition key `id`, TTL
attribute `expiration`, Powertools' defaults). Each record holds the id, `status`, `expiration`,
`in_progress_expiration`, `validation` (the SHA-256 of the caller's fingerprint, itself a hash: never
the request) and, once done, `data`: the JSON of the `StoredResponse`. **The stored body is what
`run` returns, as is**: a response that carries personal data must not go through `once` unless
storing it for `expires_after_s` in this table is acceptable (registration's 201 body holds ids
only), and one that carries a secret must leave it out of what `run` returns (the HTTP edge,
`respite_core.api.replayable`, stores an answer declared with `secrets` without them). A record
about a dossier is erased with it (`respite_core.store.idempotency_records`).

Expiry: a record counts as gone once `expiration` has passed, whether or not DynamoDB's TTL has
deleted it yet (TTL deletes lazily, and moto never does): Powertools' conditional put overwrites an
expired record, so the request runs again. A record in progress blocks repeats for
`IN_PROGRESS_LEASE_S` only, so a function killed mid-run (Lambda timeout) does not lock the key for
the whole `expires_after_s`.

Responses returned (not raised) with a status >= 400 are **not stored**: the in-progress record is
removed and the response returned, so a retry with the same key runs again and gets the answer of
that moment (a 409 "already registered", a 422 validation problem, a 503). That is safe because a
4xx/5xx response must not have changed anything; a route whose error responses have effects must
raise instead, or not use `once`.

The persistence layer (and its boto3 client, the kernel's `respite_core.aws.dynamodb()`) is built
on first use, not at import, and kept per process for each (table, expiry). Powertools'
in-memory cache is not used: every decision reads the table, the one truth shared by all
instances (the conditional put returns the existing record, so a repeat costs one write attempt,
no extra read). Setting `POWERTOOLS_IDEMPOTENCY_DISABLED` turns all of this off (Powertools' own
switch, for development only).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, cast

from respite_core.resources import TableName, locate

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

DAY_S = 86_400
EXPIRES_AFTER_S = DAY_S  # how long a response is replayed for one key
IN_PROGRESS_LEASE_S = 60  # > the 29 s API Gateway and 30 s function timeouts: past it, a repeat may run
KEY_PREFIX = "http"  # the `<prefix>#` of every record id written here
MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class StoredResponse:
    """What is replayed for a repeated request."""

    status: int
    headers: dict[str, str]
    body: str


class IdempotencyKeyReused(Exception):
    """The key was used before, in this scope, for a different request (the caller answers 422)."""


class IdempotentRequestInProgress(Exception):
    """The first request with this key is still running (the caller answers 409)."""


def once(
    *,
    scope: str,
    key: str,
    request_fingerprint: str,
    run: Callable[[], StoredResponse],
    expires_after_s: int = EXPIRES_AFTER_S,
) -> StoredResponse:
    """The response of `run()`, run at most once per (`scope`, `key`) for `expires_after_s`.

    `scope` isolates tenants and routes (e.g. `consent:POST:/dossiers:<agency_id>:<user_id>`);
    `request_fingerprint` is a hash of what makes the request (method, path, body) that the caller
    computes. Responses with status < 400 are stored and replayed; responses >= 400 are returned
    without being stored (see the module docstring). Raises `ValueError` for an invalid key or an
    empty scope or fingerprint, `IdempotencyKeyReused`, `IdempotentRequestInProgress`, whatever
    `run` raises, and Powertools' `IdempotencyPersistenceLayerError` when the table fails.
    """
    _check_key(key)
    if not scope:
        raise ValueError("the idempotency scope is empty")
    if not request_fingerprint:
        raise ValueError("the request fingerprint is empty")
    if expires_after_s < 1:
        raise ValueError("expires_after_s must be at least one second")

    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    execute = _executor(locate(TableName.IDEMPOTENCY), expires_after_s)
    request = {"scope": scope, "key": key, "fingerprint": request_fingerprint}
    try:
        stored = execute(request=request, run=run)
    except _NotStored as unstored:
        return unstored.response
    except IdempotencyValidationError as reused:
        raise IdempotencyKeyReused("this Idempotency-Key was used for another request") from reused
    except IdempotencyAlreadyInProgressError as running:
        raise IdempotentRequestInProgress("a request with this Idempotency-Key is in progress") from running
    return StoredResponse(status=stored["status"], headers=dict(stored["headers"]), body=stored["body"])


def record_id(scope: str, key: str) -> str:
    """The id Powertools gives the record of (`scope`, `key`): `http#<sha256 of JSON [scope, key]>`.

    Erasure needs it: a request about a dossier leaves a pointer to its record in the dossier's
    partition, and erasing the dossier deletes the record too (tests check it against Powertools).
    """
    import hashlib
    import json

    digest = hashlib.sha256(json.dumps([scope, key], sort_keys=True).encode()).hexdigest()
    return f"{KEY_PREFIX}#{digest}"


def forget_persistence_layers() -> None:
    """Drop the per-process persistence layers (tests that point the process at other tables)."""
    _executor.cache_clear()


def _check_key(key: str) -> None:
    """1-255 printable ASCII characters (space to tilde), else `ValueError`."""
    if not 1 <= len(key) <= MAX_KEY_LENGTH:
        raise ValueError(f"an Idempotency-Key has 1 to {MAX_KEY_LENGTH} characters")
    if not all(" " <= character <= "~" for character in key):
        raise ValueError("an Idempotency-Key holds printable ASCII characters only")


class _NotStored(Exception):  # a signal, not an error
    """Carries a response >= 400 through Powertools, which then removes the in-progress record."""

    def __init__(self, response: StoredResponse) -> None:
        super().__init__(response.status)
        self.response = response


class _Lease:
    """What Powertools asks a Lambda context for: how long the in-progress record may block repeats."""

    def get_remaining_time_in_millis(self) -> int:
        return IN_PROGRESS_LEASE_S * 1000


def _execute(*, request: dict[str, str], run: Callable[[], StoredResponse]) -> dict[str, Any]:
    """The function Powertools makes idempotent: `request` is hashed, `run` is only called."""
    response = run()
    if response.status >= 400:
        raise _NotStored(response)
    return asdict(response)


type _Executor = Callable[..., dict[str, Any]]


@functools.cache
def _executor(table_name: str, expires_after_s: int) -> _Executor:
    """`_execute` made idempotent against `table_name`, built once per process.

    Keyed by the expiry too: Powertools configures a persistence layer once, from the first
    `IdempotencyConfig` it sees, and ignores the settings of later ones.
    """
    from aws_lambda_powertools.utilities.idempotency import (
        DynamoDBPersistenceLayer,
        IdempotencyConfig,
        idempotent_function,
    )

    from respite_core import aws

    persistence = DynamoDBPersistenceLayer(table_name=table_name, boto3_client=aws.dynamodb())
    config = IdempotencyConfig(
        event_key_jmespath="[scope, key]",
        payload_validation_jmespath="fingerprint",
        raise_on_no_idempotency_key=True,
        expires_after_seconds=expires_after_s,
        hash_function="sha256",
        lambda_context=cast("LambdaContext", _Lease()),
    )
    decorated = idempotent_function(
        _execute,
        data_keyword_argument="request",
        persistence_store=persistence,
        config=config,
        key_prefix=KEY_PREFIX,
    )
    return cast("_Executor", decorated)
