"""The local API gateway: every Chalice app of the catalogue behind one port, under `/<prefix>`.

Plays API Gateway for the local stack: routes by prefix, verifies Cognito tokens against the user
pool's JWKS (moto publishes one) — a forged, expired or foreign token is a 401 here as it would be
in AWS — and invokes the Chalice app with the Lambda proxy event API Gateway would send: the
verified claims in `requestContext.authorizer.claims`, as strings, as API Gateway's Cognito
authorizer passes them. Two kinds of token pass: a caseworker's id token (for the web client) and
an office system's access token (OAuth2 client credentials, for one of the pool's office app
clients). Chalice's own local authorizer is not used: it decodes id tokens only, unverified, and
passes no claims at all for an access token.
"""

import base64
import importlib.util
import json
import logging
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import ModuleType
from typing import Any

import jwt
from chalice.config import Config
from chalice.local import LocalGateway

from respite_infra.catalogue import HttpApi

logger = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
MAX_REQUEST_BYTES = 60 * 1024 * 1024  # API Gateway's payload limit is 10 MB; apps enforce their own


@dataclass(frozen=True)
class TokenIssuer:
    """What a valid token must be: signed by this pool's key and issued by it; an id token must be
    for one of `audiences` (the web client)."""

    jwks_url: str
    issuer: str
    audiences: tuple[str, ...]


type OfficeClients = Callable[[str], bool]
"""Is this app client id one of the pool's office systems (client credentials)?"""


class TokenVerifier:
    """Checks a token as API Gateway's Cognito authorizer does, for the two kinds Respite accepts.

    - a caseworker's **id token**: `token_use` "id", `aud` one of the issuer's audiences;
    - an office system's **access token**: `token_use` "access", `client_id` an office app client
      (`office_clients`; without it, no access token passes).
    """

    def __init__(self, issuer: TokenIssuer, office_clients: OfficeClients | None = None) -> None:
        self._issuer = issuer
        self._office_clients = office_clients
        self._keys = jwt.PyJWKClient(issuer.jwks_url, cache_keys=True)

    def verify(self, token: str) -> dict[str, Any]:
        """The token's claims; raises jwt.PyJWTError when it is forged, expired or not ours."""
        key = self._keys.get_signing_key_from_jwt(token)
        claims: dict[str, Any] = jwt.decode(
            token,
            key.key,
            algorithms=["RS256"],
            issuer=self._issuer.issuer,
            options={"require": ["exp", "iat", "sub", "token_use"], "verify_aud": False},
        )
        match claims["token_use"]:
            case "id":
                audience = claims.get("aud")
                audiences = audience if isinstance(audience, list) else [audience]
                if not any(a in self._issuer.audiences for a in audiences):
                    raise jwt.InvalidAudienceError("the id token is not for this pool's web client")
            case "access":
                client_id = claims.get("client_id")
                if not isinstance(client_id, str) or not client_id:
                    raise jwt.MissingRequiredClaimError("client_id")
                if self._office_clients is None or not self._office_clients(client_id):
                    raise jwt.InvalidTokenError("the access token is not an office system's")
            case _:
                raise jwt.InvalidTokenError("an id token or an office access token is required")
        return claims


def authorizer_claims(claims: Mapping[str, Any]) -> dict[str, str]:
    """The claims as API Gateway's Cognito authorizer puts them in `requestContext.authorizer.claims`
    of a REST API's proxy event: every value a string — booleans "true"/"false", `exp` and `iat` as
    dates ("Fri Jul 29 18:52:53 UTC 2016"), other numbers in decimal (`auth_time` "1469814773")."""

    def text(name: str, value: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if name in ("exp", "iat") and isinstance(value, int | float):
            return datetime.fromtimestamp(value, UTC).strftime("%a %b %d %H:%M:%S UTC %Y")
        if isinstance(value, str):
            return value
        if isinstance(value, int | float):
            return str(value)
        return json.dumps(value)

    return {name: text(name, value) for name, value in claims.items()}


def load_app(api: HttpApi) -> Any:
    """Import `services/<service>/app.py` under its own module name (every app file is `app.py`)."""
    module_name = f"respite_{api.service}_app"
    spec = importlib.util.spec_from_file_location(module_name, api.app_path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {api.app_path}")
    module: ModuleType = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module.app


class ApiGateway(LocalGateway):
    """Chalice's `LocalGateway` without its authorizer: the event carries the claims this gateway
    verified, as API Gateway's Cognito authorizer passes them to the function in AWS."""

    def invoke(
        self,
        method: str,
        path: str,
        headers: dict[str, str],
        body: bytes | None,
        claims: dict[str, str] | None,
    ) -> tuple[int, dict[str, str], bytes]:
        context = self._generate_lambda_context()
        try:
            event = self.event_converter.create_lambda_event(method, path, headers, body)
        except ValueError:  # no route of this API matches: API Gateway's 403 for an unknown resource
            return _problem(403, "There is no such resource.")
        if method == "OPTIONS" and not self._has_user_defined_options_method(event):
            return _from_lambda({"statusCode": 200, "headers": self._autogen_options_headers(event)})
        if claims is not None:
            event["requestContext"]["authorizer"] = {"claims": claims}
        return _from_lambda(self._app_object(event, context))


@dataclass
class MountedApi:
    api: HttpApi
    gateway: ApiGateway


type HealthCheck = Callable[[], Mapping[str, Any]]
type ExtraRoute = Callable[[str, Mapping[str, str], bytes], tuple[int, dict[str, str], bytes]]
"""A local-only endpoint: (method, headers with lower-case names, body) -> (status, headers, body)."""


class Gateway:
    """The HTTP server. `extra_routes` maps exact paths (e.g. `/health`) to local-only endpoints."""

    def __init__(
        self,
        apis: list[HttpApi],
        verifier: TokenVerifier | None,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        extra_routes: Mapping[str, ExtraRoute] | None = None,
    ) -> None:
        self._mounted = {
            api.prefix: MountedApi(api, ApiGateway(load_app(api), Config.create(chalice_stage="local")))
            for api in apis
        }
        self._verifier = verifier
        self._extra = dict(extra_routes or {})
        self._server = ThreadingHTTPServer((host, port), self._handler_class())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def prefixes(self) -> list[str]:
        return list(self._mounted)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._server.serve_forever, name="gateway", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def is_serving(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def dispatch(
        self, method: str, path: str, headers: Mapping[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        headers = {name.lower(): value for name, value in headers.items()}
        bare_path = path.split("?", 1)[0]
        if bare_path in self._extra:
            return self._extra[bare_path](method, headers, body)
        prefix, _, rest = path.lstrip("/").partition("/")
        mounted = self._mounted.get(prefix)
        if mounted is None:
            return _problem(404, "No API is mounted at this path.")
        claims = None
        authorization = headers.get("authorization")
        if authorization is not None:
            token = authorization.removeprefix("Bearer ").strip()
            if self._verifier is None:
                return _problem(401, "Tokens cannot be verified: no user pool is configured.")
            try:
                claims = authorizer_claims(self._verifier.verify(token))
            except jwt.PyJWTError:
                return _problem(401, "The token is invalid or has expired.")
        return mounted.gateway.invoke(method, "/" + rest, headers, body or None, claims)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                if length > MAX_REQUEST_BYTES:
                    status, headers, body = _problem(413, "The request is too large.")
                    self.close_connection = True
                else:
                    raw = self.rfile.read(length) if length else b""
                    try:
                        status, headers, body = gateway.dispatch(
                            self.command, self.path, dict(self.headers), raw
                        )
                    except Exception:
                        logger.exception("gateway error")
                        status, headers, body = _problem(500, "The request could not be completed.")
                self.send_response(status)
                for name, value in headers.items():
                    if name.lower() not in ("content-length", "connection"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve

            def __getattr__(self, name: str) -> Any:
                """Any other method (TRACE, CONNECT, an invented one) goes to the APIs too, which answer
                405 with the `Allow` header RFC 9110 asks for, as for a known method on a wrong path."""
                if name.startswith("do_"):
                    return self._serve
                raise AttributeError(name)

            def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
                """http.server's own refusals (a method it has no `do_` for, such as TRACE; a
                malformed request line; headers too large) as problem+json too, never its HTML page.
                A method no API serves is 405, not 501: the server is not at fault."""
                if code == HTTPStatus.NOT_IMPLEMENTED:
                    code = HTTPStatus.METHOD_NOT_ALLOWED
                status, headers, body = _problem(code, HTTPStatus(code).description)  # never echo the request
                self.close_connection = True
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Connection", "close")
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                # the request line only: method, path (ids, never personal data) and status
                logger.info("%s %s", self.address_string(), format % args)

        return Handler


def _from_lambda(response: Mapping[str, Any]) -> tuple[int, dict[str, str], bytes]:
    headers = {k: str(v) for k, v in (response.get("headers") or {}).items()}
    for name, values in (response.get("multiValueHeaders") or {}).items():
        headers[name] = ", ".join(str(v) for v in values)
    raw = response.get("body") or b""
    if response.get("isBase64Encoded"):
        body = base64.b64decode(raw)
    else:
        body = raw if isinstance(raw, bytes) else str(raw).encode()
    return int(response["statusCode"]), headers, body


def _problem(status: int, detail: str) -> tuple[int, dict[str, str], bytes]:
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status, "detail": detail}
    return status, {"Content-Type": PROBLEM_JSON}, json.dumps(body).encode()


def json_route(produce: Callable[[], Mapping[str, Any]]) -> ExtraRoute:
    """A local-only GET endpoint returning JSON (200, or 503 when `produce` says `ok: False`)."""

    def route(method: str, headers: Mapping[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
        if method not in ("GET", "HEAD"):
            status, headers, body = _problem(405, "Only GET is allowed here.")
            return status, headers | {"Allow": "GET, HEAD"}, body
        payload = produce()
        status = 200 if payload.get("ok", True) else 503
        return status, {"Content-Type": "application/json"}, json.dumps(payload).encode()

    return route
