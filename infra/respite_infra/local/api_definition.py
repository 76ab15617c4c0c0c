"""The API definition the local gateway is made from: what API Gateway serves, per the synthesized template.

`api_definition.json` (beside this module) holds, per API, its base path (`prefix`), the Lambda function
behind it, its binary media types, CORS, gateway responses and one entry per resource and method with
that method's authorization. The local gateway reads only this file to match requests and build events,
never the apps' route tables. `load()` reads it into the dataclasses below.
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT = Path(__file__).with_name("api_definition.json")

COGNITO_USER_POOLS = "COGNITO_USER_POOLS"
NONE = "NONE"
AWS_PROXY = "AWS_PROXY"
MOCK = "MOCK"


@dataclass(frozen=True)
class GatewayResponse:
    status: int
    headers: dict[str, str]
    body: str


@dataclass(frozen=True)
class Cors:
    allow_origins: tuple[str, ...]
    allow_methods: tuple[str, ...]
    allow_headers: tuple[str, ...]
    max_age_s: int


@dataclass(frozen=True)
class Method:
    resource: str  # "/dossiers/{dossier_id}"
    http_method: str  # "GET", ..., or "ANY"
    authorization: str  # COGNITO_USER_POOLS or NONE
    authorizer: str | None
    scopes: tuple[str, ...]
    integration: str  # AWS_PROXY or MOCK


@dataclass(frozen=True)
class Api:
    prefix: str
    function: str
    binary_media_types: tuple[str, ...]
    cors: Cors | None
    gateway_responses: dict[str, GatewayResponse]
    methods: tuple[Method, ...]


@dataclass(frozen=True)
class Waf:
    body_limit_bytes: int
    large_bodies_allowed: re.Pattern[str]


@dataclass(frozen=True)
class ApiDefinition:
    source: str
    stage: str
    payload_limit_bytes: int
    integration_timeout_ms: int
    waf: Waf | None
    apis: tuple[Api, ...] = field(default=())

    def api(self, prefix: str) -> Api | None:
        return next((api for api in self.apis if api.prefix == prefix), None)


def load(path: Path = DEFAULT) -> ApiDefinition:
    """The definition in `path` (by default the checked-in `api_definition.json`)."""
    return parse(json.loads(path.read_text(encoding="utf-8")))


def parse(document: dict[str, Any]) -> ApiDefinition:
    waf = document.get("waf")
    return ApiDefinition(
        source=str(document.get("source", "")),
        stage=str(document["stage"]),
        payload_limit_bytes=int(document["payload_limit_bytes"]),
        integration_timeout_ms=int(document["integration_timeout_ms"]),
        waf=Waf(int(waf["body_limit_bytes"]), re.compile(waf["large_bodies_allowed"])) if waf else None,
        apis=tuple(_api(api) for api in document["apis"]),
    )


def _api(api: dict[str, Any]) -> Api:
    cors = api.get("cors")
    return Api(
        prefix=str(api["prefix"]),
        function=str(api["function"]),
        binary_media_types=tuple(api.get("binary_media_types") or ()),
        cors=Cors(
            allow_origins=tuple(cors["allow_origins"]),
            allow_methods=tuple(cors["allow_methods"]),
            allow_headers=tuple(cors["allow_headers"]),
            max_age_s=int(cors.get("max_age_s", 0)),
        )
        if cors
        else None,
        gateway_responses={
            name: GatewayResponse(int(r["status"]), dict(r.get("headers") or {}), str(r.get("body", "")))
            for name, r in (api.get("gateway_responses") or {}).items()
        },
        methods=tuple(
            Method(
                resource=str(m["resource"]),
                http_method=str(m["http_method"]).upper(),
                authorization=str(m.get("authorization") or NONE),
                authorizer=m.get("authorizer"),
                scopes=tuple(m.get("scopes") or ()),
                integration=str(m.get("integration") or AWS_PROXY),
            )
            for m in api["methods"]
        ),
    )
