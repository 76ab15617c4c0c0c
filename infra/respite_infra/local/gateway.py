"""The local API gateway: every Chalice app of the catalogue behind one port, under `/<prefix>`.

Plays API Gateway for the local stack: routes by prefix, verifies Cognito tokens against the user
pool's JWKS (moto publishes one) before a Chalice authorizer sees them — a forged, expired or
foreign token is a 401 here as it would be in AWS — and hands the request to Chalice's own
`LocalGateway`, which builds the Lambda proxy event.
"""

import importlib.util
import json
import logging
import sys
import threading
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import ModuleType
from typing import Any

import jwt
from chalice.config import Config
from chalice.local import LocalGateway, LocalGatewayException

from respite_infra.catalogue import HttpApi

logger = logging.getLogger(__name__)

# Chalice warns that it cannot check Cognito tokens locally; this gateway verifies them before Chalice
warnings.filterwarnings("ignore", message="CognitoUserPoolAuthorizer is not a supported in local mode")

PROBLEM_JSON = "application/problem+json"
MAX_REQUEST_BYTES = 60 * 1024 * 1024  # API Gateway's payload limit is 10 MB; apps enforce their own


@dataclass(frozen=True)
class TokenIssuer:
    """What a valid caseworker token must be: signed by this pool's key, for one of its clients."""

    jwks_url: str
    issuer: str
    audiences: tuple[str, ...]


class TokenVerifier:
    def __init__(self, issuer: TokenIssuer) -> None:
        self._issuer = issuer
        self._keys = jwt.PyJWKClient(issuer.jwks_url, cache_keys=True)

    def verify(self, token: str) -> dict[str, Any]:
        """The token's claims; raises jwt.PyJWTError when it is forged, expired or not ours."""
        key = self._keys.get_signing_key_from_jwt(token)
        claims: dict[str, Any] = jwt.decode(
            token,
            key.key,
            algorithms=["RS256"],
            issuer=self._issuer.issuer,
            audience=list(self._issuer.audiences),
            options={"require": ["exp", "iat", "sub", "token_use"]},
        )
        if claims.get("token_use") != "id":
            raise jwt.InvalidTokenError("an id token is required")
        return claims


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


@dataclass
class MountedApi:
    api: HttpApi
    gateway: LocalGateway


type HealthCheck = Callable[[], Mapping[str, Any]]
type ExtraRoute = Callable[[str, bytes], tuple[int, dict[str, str], bytes]]


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
            api.prefix: MountedApi(api, LocalGateway(load_app(api), Config.create(chalice_stage="local")))
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
        self, method: str, path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        bare_path = path.split("?", 1)[0]
        if bare_path in self._extra:
            return self._extra[bare_path](method, body)
        prefix, _, rest = path.lstrip("/").partition("/")
        mounted = self._mounted.get(prefix)
        if mounted is None:
            return _problem(404, "No API is mounted at this path.")
        headers = {name.lower(): value for name, value in headers.items()}
        authorization = headers.pop("authorization", None)
        if authorization is not None:
            token = authorization.removeprefix("Bearer ").strip()
            if self._verifier is None:
                return _problem(401, "Tokens cannot be verified: no user pool is configured.")
            try:
                self._verifier.verify(token)
            except jwt.PyJWTError:
                return _problem(401, "The token is invalid or has expired.")
            headers["authorization"] = token  # Chalice's local authorizer reads the verified claims
        try:
            response = mounted.gateway.handle_request(method, "/" + rest, headers, body or None)
        except LocalGatewayException as error:
            return _problem(error.CODE or 403, "The request was refused.")
        return _from_lambda(response)

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
        import base64

        body = base64.b64decode(raw)
    else:
        body = raw if isinstance(raw, bytes) else str(raw).encode()
    return int(response["statusCode"]), headers, body


def _problem(status: int, detail: str) -> tuple[int, dict[str, str], bytes]:
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status, "detail": detail}
    return status, {"Content-Type": PROBLEM_JSON}, json.dumps(body).encode()


def json_route(produce: Callable[[], Mapping[str, Any]]) -> ExtraRoute:
    """A local-only GET endpoint returning JSON (200, or 503 when `produce` says `ok: False`)."""

    def route(method: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
        if method not in ("GET", "HEAD"):
            return _problem(405, "Only GET is allowed here.")
        payload = produce()
        status = 200 if payload.get("ok", True) else 503
        return status, {"Content-Type": "application/json"}, json.dumps(payload).encode()

    return route
