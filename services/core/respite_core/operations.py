"""What an HTTP API declares: its operations, as Chalice routes them, roles check them and OpenAPI
documents them. Apart from the Chalice edge (`respite_core.api`), so the OpenAPI document
(`respite_core.openapi`) is built from declarations without importing the edge that serves it."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import BaseModel

from respite_core.callers import Role

PROBLEM_JSON = "application/problem+json"  # RFC 9457: every error a client sees


@dataclass(frozen=True)
class Operation:
    """One HTTP operation of an API, as OpenAPI documents it."""

    method: str
    path: str  # Chalice's form: "/dossiers/{dossier_id}"
    summary: str
    description: str
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    responses: Mapping[int, type[BaseModel] | None]  # the success statuses and their bodies
    problems: tuple[int, ...]  # the error statuses it answers with a problem
    roles: tuple[Role, ...]  # who may call it (empty: anyone, no token)
    idempotent: bool  # honours an Idempotency-Key header
    response_type: str = "application/json"
    office_scope: str | None = None  # an office system's token with this scope may call it
    request_type: str = "application/json"  # what a body is sent as (text/csv for uploads)
    also_returns: tuple[str, ...] = ()  # other media types a success may come as (text/csv on request)
    also_accepts: tuple[str, ...] = ()  # other media types a body may come as (bytes, for generated clients)
    headers: tuple[tuple[str, str], ...] = ()  # request headers it requires: (name, what it carries)


class DeclaredApi(Protocol):
    """An API as the OpenAPI document reads it (`respite_core.api.Api` is one)."""

    @property
    def name(self) -> str: ...  # also the path prefix behind the gateway / custom domain

    @property
    def title(self) -> str: ...

    @property
    def description(self) -> str: ...

    @property
    def operations(self) -> Sequence[Operation]: ...

    @property
    def app(self) -> Any: ...  # its Chalice app: the routes name each operation's view
