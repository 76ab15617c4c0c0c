"""The local API gateway: the APIs of `api_definition.json` behind one port, as API Gateway serves them.

Made from the API definition (`respite_infra.local.api_definition`, generated from the synthesized
template), never from the apps' route tables: a request is matched as API Gateway matches resources
(after the custom domain's base path, a literal segment beats a `{param}`), authorized per method
(the Cognito authorizer: an id token of the pool's web client, or an access token with one of the
method's scopes; `NONE`: nothing checked and no `requestContext.authorizer`), and turned into the REST
(v1) Lambda proxy event API Gateway sends. API Gateway's limits apply: the payload limit, the WAF's body
rule and the integration timeout; refusals are the definition's gateway responses.

Each API's function runs as Lambda runs it: in environments that each serve one request at a time
(`RESPITE_LOCAL_CONCURRENCY`, default 2, per function). Every environment imports the service's
`app.py` under its own module name, so it has its own Chalice app and `current_request`; a request waits
for a free environment, as it would for Lambda's concurrency. A function that outlives the integration
timeout is answered 504 and runs to its end in its environment, which is free again only then.
"""

import base64
import binascii
import importlib.util
import json
import logging
import os
import queue
import sys
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl, unquote

import jwt
from chalice.local import LocalGateway

from respite_core.clock import epoch_seconds
from respite_infra.catalogue import HttpApi
from respite_infra.local import api_definition
from respite_infra.local.api_definition import ApiDefinition, GatewayResponse, Method
from respite_infra.local.environment import DEFAULT_REGION, LOCAL_ACCOUNT
from respite_infra.local.handlers import LambdaContext, function_arn
from respite_infra.local.site import StaticSite

logger = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
CONCURRENCY_ENV = "RESPITE_LOCAL_CONCURRENCY"
DEFAULT_CONCURRENCY = 2
FUNCTION_MEMORY_MB = 512  # the API functions' memory in the CDK (respite_infra.cdk.apis.API_MEMORY_MB)
API_ID = "local"

# API Gateway's own answers when the API defines no gateway response of that type (nor a DEFAULT_4XX/5XX)
BUILT_IN_RESPONSES = {
    "MISSING_AUTHENTICATION_TOKEN": (403, {"message": "Missing Authentication Token"}),
    "UNAUTHORIZED": (401, {"message": "Unauthorized"}),
    "ACCESS_DENIED": (403, {"message": "Forbidden"}),
    "REQUEST_TOO_LARGE": (413, {"message": "Request Too Long"}),
    "INTEGRATION_TIMEOUT": (504, {"message": "Endpoint request timed out"}),
    "WAF_FILTERED": (403, {"message": "Forbidden"}),
    "INTEGRATION_FAILURE": (502, {"message": "Internal server error"}),
}

type Answer = tuple[int, dict[str, str], bytes]


# --- tokens ------------------------------------------------------------------------------------------


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
    """Checks a token as API Gateway's Cognito authorizer does.

    `for_method(token, scopes)` is the authorizer of one method: without scopes, a caseworker's **id
    token** (`token_use` "id", `aud` one of the issuer's audiences); with scopes, an **access token**
    whose `scope` claim holds one of them. `verify(token)` takes either kind (an access token only of an
    office client, `office_clients`), for callers that do not know the method.
    """

    def __init__(self, issuer: TokenIssuer, office_clients: OfficeClients | None = None) -> None:
        self._issuer = issuer
        self._office_clients = office_clients
        self._keys = jwt.PyJWKClient(issuer.jwks_url, cache_keys=True)

    def _decode(self, token: str) -> dict[str, Any]:
        key = self._keys.get_signing_key_from_jwt(token)
        claims: dict[str, Any] = jwt.decode(
            token,
            key.key,
            algorithms=["RS256"],
            issuer=self._issuer.issuer,
            options={"require": ["exp", "iat", "sub", "token_use"], "verify_aud": False},
        )
        return claims

    def _check_id_token(self, claims: Mapping[str, Any]) -> None:
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if not any(a in self._issuer.audiences for a in audiences):
            raise jwt.InvalidAudienceError("the id token is not for this pool's web client")

    def for_method(self, token: str, scopes: Sequence[str]) -> dict[str, Any]:
        """The claims when `token` passes a method with these scopes; raises jwt.PyJWTError else."""
        claims = self._decode(token)
        if not scopes:
            if claims["token_use"] != "id":  # noqa: S105 (a claim's value, not a password)
                raise jwt.InvalidTokenError("this method takes an id token")
            self._check_id_token(claims)
            return claims
        if claims["token_use"] != "access":  # noqa: S105
            raise jwt.InvalidTokenError("this method takes an access token")
        granted = str(claims.get("scope") or "").split()
        if not any(scope in granted for scope in scopes):
            raise jwt.InvalidTokenError("the access token has none of the method's scopes")
        # locally moto's signing key is public: an access token must also be an office client's, or a
        # user's of the pool's web client (a person at an office; `office_from` checks their group).
        # The web client has no client-credentials flow: a token whose subject is that client is forged
        client_id = str(claims.get("client_id") or "")
        if client_id in self._issuer.audiences and claims.get("sub") != client_id:
            return claims
        if self._office_clients is not None and not self._office_clients(client_id):
            raise jwt.InvalidTokenError("the access token is not an office system's")
        return claims

    def verify(self, token: str) -> dict[str, Any]:
        """The token's claims; raises jwt.PyJWTError when it is forged, expired or not ours."""
        claims = self._decode(token)
        match claims["token_use"]:
            case "id":
                self._check_id_token(claims)
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
    dates ("Fri Jul 29 18:52:53 UTC 2016"), other numbers in decimal (`auth_time` "1469814773"), a list
    its items joined by commas (`cognito:groups` "office-a,office-b")."""

    def text(name: str, value: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if name in ("exp", "iat") and isinstance(value, int | float):
            return datetime.fromtimestamp(value, UTC).strftime("%a %b %d %H:%M:%S UTC %Y")
        if isinstance(value, str):
            return value
        if isinstance(value, int | float):
            return str(value)
        if isinstance(value, list):
            return ",".join(str(item) for item in value)
        return json.dumps(value)

    return {name: text(name, value) for name, value in claims.items()}


# --- functions: Lambda's execution model ----------------------------------------------------------


def load_app(api: HttpApi, module_name: str | None = None) -> Any:
    """Import `services/<service>/app.py` as `module_name` (default `respite_<service>_app`) and return
    its Chalice app; each import under another name is another app, with its own `current_request`."""
    module_name = module_name or f"respite_{api.service}_app"
    spec = importlib.util.spec_from_file_location(module_name, api.app_path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {api.app_path}")
    module: ModuleType = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module.app


type Handler = Callable[[dict[str, Any], Any], Any]


def concurrency_from_environment() -> int:
    try:
        return max(1, int(os.environ.get(CONCURRENCY_ENV, DEFAULT_CONCURRENCY)))
    except ValueError:
        return DEFAULT_CONCURRENCY


class Function:
    """One Lambda function: up to `concurrency` environments, each running one invocation at a time.

    `new_environment(n)` makes the handler of environment n (cold start: on first need, as Lambda).
    """

    def __init__(
        self, name: str, new_environment: Callable[[int], Handler], concurrency: int, timeout_s: float
    ) -> None:
        self.name = name
        self.timeout_s = timeout_s
        self._new_environment = new_environment
        self._concurrency = concurrency
        self._free: queue.Queue[Handler] = queue.Queue()
        self._created = 0
        self._lock = threading.Lock()
        self.busy = 0  # environments running an invocation now (for tests)
        self.most_busy = 0

    def _acquire(self) -> Handler:
        try:
            return self._free.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if self._created < self._concurrency:
                number = self._created
                self._created += 1
                create = True
            else:
                create = False
        if create:
            try:
                return self._new_environment(number)
            except BaseException:
                with self._lock:
                    self._created -= 1
                raise
        return self._free.get()

    def invoke(self, event: dict[str, Any], timeout_s: float | None = None) -> tuple[str, Any]:
        """("ok", response) | ("error", exception) | ("timeout", None). On a timeout the invocation
        goes on in its environment, which takes no other request until it ends; its answer is dropped."""
        done = threading.Event()
        outcome: list[tuple[str, Any]] = []
        given_up = threading.Event()

        def run() -> None:
            try:
                handler = self._acquire()
            except BaseException as error:  # the import failed (an init error)
                outcome.append(("error", error))
                done.set()
                return
            try:
                if given_up.is_set():  # waited for an environment past the timeout: never run
                    return
                with self._lock:
                    self.busy += 1
                    self.most_busy = max(self.most_busy, self.busy)
                context = LambdaContext(
                    function_name=self.name,
                    memory_limit_in_mb=FUNCTION_MEMORY_MB,
                    invoked_function_arn=function_arn(self.name, DEFAULT_REGION, LOCAL_ACCOUNT),
                    timeout_s=self.timeout_s,
                )
                try:
                    outcome.append(("ok", handler(event, context)))
                except Exception as error:
                    logger.exception("function %s failed", self.name)
                    outcome.append(("error", error))
                finally:
                    with self._lock:
                        self.busy -= 1
            finally:
                self._free.put(handler)
                done.set()

        threading.Thread(target=run, name=f"lambda:{self.name}", daemon=True).start()
        if not done.wait(self.timeout_s if timeout_s is None else timeout_s):
            given_up.set()
            return "timeout", None
        return outcome[0] if outcome else ("timeout", None)


# --- matching -------------------------------------------------------------------------------------


@dataclass
class _Node:
    literal: dict[str, "_Node"] = field(default_factory=dict)
    param: tuple[str, "_Node"] | None = None
    greedy: tuple[str, "_Node"] | None = None
    resource: str | None = None
    methods: dict[str, Method] = field(default_factory=dict)


def _tree(methods: Sequence[Method]) -> _Node:
    root = _Node(resource="/")
    for method in methods:
        node = root
        for segment in [s for s in method.resource.split("/") if s]:
            if segment.startswith("{") and segment.endswith("+}"):
                if node.greedy is None:
                    node.greedy = (segment[1:-2], _Node())
                node = node.greedy[1]
            elif segment.startswith("{") and segment.endswith("}"):
                if node.param is None:
                    node.param = (segment[1:-1], _Node())
                node = node.param[1]
            else:
                node = node.literal.setdefault(segment, _Node())
        node.resource = method.resource
        node.methods[method.http_method] = method
    return root


@dataclass(frozen=True)
class Match:
    resource: str
    method: Method | None  # None: the resource exists, the method does not
    path_parameters: dict[str, str]


def _match(node: _Node, segments: list[str], params: dict[str, str]) -> tuple[_Node, dict[str, str]] | None:
    if not segments:
        return (node, params) if node.resource is not None else None
    head, rest = segments[0], segments[1:]
    decoded = unquote(head)
    child = node.literal.get(decoded)
    if child is not None:
        found = _match(child, rest, params)
        if found is not None:
            return found
    if node.param is not None and head:
        name, child = node.param
        found = _match(child, rest, {**params, name: decoded})
        if found is not None:
            return found
    if node.greedy is not None and all(segments):
        name, child = node.greedy
        return child, {**params, name: "/".join(unquote(s) for s in segments)}
    return None


def match(root: _Node, raw_path: str) -> Match | None:
    """The resource (and method table) `raw_path` (after the base path, still percent-encoded) hits."""
    segments = raw_path.split("/")[1:]
    if segments and segments[-1] == "":  # "/dossiers/" is "/dossiers"
        segments = segments[:-1]
    found = _match(root, segments, {})
    if found is None:
        return None
    node, params = found
    assert node.resource is not None
    return Match(node.resource, None, params)


# --- the gateway ----------------------------------------------------------------------------------


@dataclass
class MountedApi:
    definition: api_definition.Api
    function: Function
    tree: _Node


type HealthCheck = Callable[[], Mapping[str, Any]]
type ExtraRoute = Callable[[str, Mapping[str, str], bytes], Answer]
"""A local-only endpoint: (method, headers with lower-case names, body) -> (status, headers, body)."""

type Headers = Mapping[str, str] | Sequence[tuple[str, str]]


class Gateway:
    """The HTTP server. `extra_routes` maps exact paths (e.g. `/health`) to local-only endpoints, served
    before any API. Each API of `apis` that the definition has is mounted at its prefix. `site`, the
    web front end, answers every other path (but those under a local route's first segment, e.g.
    `/local/...`), as the site's own domain would in AWS."""

    def __init__(
        self,
        apis: list[HttpApi],
        verifier: TokenVerifier | None,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        extra_routes: Mapping[str, ExtraRoute] | None = None,
        definition: ApiDefinition | None = None,
        concurrency: int | None = None,
        site: StaticSite | None = None,
    ) -> None:
        self.definition = definition or api_definition.load()
        self.concurrency = concurrency or concurrency_from_environment()
        self._mounted: dict[str, MountedApi] = {}
        for api in apis:
            if self.definition.api(api.prefix) is None:
                logger.warning("the API definition has no API at /%s: not mounted", api.prefix)
                continue
            self.mount(api.prefix, _app_environments(api))
        self._verifier = verifier
        self._extra = dict(extra_routes or {})
        self._site = site
        self._local_prefixes = {path.lstrip("/").partition("/")[0] for path in self._extra}
        self._server = ThreadingHTTPServer((host, port), self._handler_class())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    def mount(self, prefix: str, new_environment: Callable[[int], Handler]) -> Function:
        """Serve the definition's API at `prefix` with handlers made by `new_environment(n)`."""
        defined = self.definition.api(prefix)
        if defined is None:
            raise LookupError(f"the API definition has no API at /{prefix}")
        function = Function(
            defined.function, new_environment, self.concurrency, self.definition.integration_timeout_ms / 1000
        )
        self._mounted[prefix] = MountedApi(defined, function, _tree(defined.methods))
        return function

    def function(self, prefix: str) -> Function:
        return self._mounted[prefix].function

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def site(self) -> StaticSite | None:
        return self._site

    @property
    def prefixes(self) -> list[str]:
        return list(self._mounted)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._server.serve_forever, name="gateway", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:  # shutdown() waits for serve_forever, which must have started
            self._server.shutdown()
        self._server.server_close()

    def is_serving(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def dispatch(
        self, method: str, path: str, headers: Headers, body: bytes, *, source_ip: str = "127.0.0.1"
    ) -> Answer:
        """One request as the custom domain, the WAF and API Gateway answer it. `path` is the request
        target as sent (percent-encoded, with the query string)."""
        pairs = list(headers.items()) if isinstance(headers, Mapping) else list(headers)
        raw_path, _, raw_query = path.partition("?")
        if raw_path in self._extra:
            return self._extra[raw_path](method, {n.lower(): v for n, v in pairs}, body)
        prefix, _, rest = raw_path.lstrip("/").partition("/")
        mounted = self._mounted.get(prefix)
        responses = mounted.definition.gateway_responses if mounted else {}
        waf = self.definition.waf
        too_large_for_waf = waf is not None and len(body) > waf.body_limit_bytes
        if waf is not None and too_large_for_waf and not waf.large_bodies_allowed.search(raw_path):
            return gateway_response(responses, "WAF_FILTERED")
        if mounted is None and self._site is not None and prefix not in self._local_prefixes:
            return self._site.answer(method.upper(), raw_path)
        if mounted is None:  # no base path mapping: the custom domain's own answer
            return 403, {"Content-Type": "application/json"}, b'{"message":"Forbidden"}'
        if len(body) > self.definition.payload_limit_bytes:
            return gateway_response(responses, "REQUEST_TOO_LARGE")
        found = match(mounted.tree, "/" + rest)
        node_methods = _methods_at(mounted.tree, found.resource) if found else {}
        defined = node_methods.get(method.upper()) or node_methods.get("ANY")
        if found is None or defined is None:
            return gateway_response(responses, "MISSING_AUTHENTICATION_TOKEN")
        if defined.integration == api_definition.MOCK:
            return self._mock(mounted.definition, pairs)
        claims: dict[str, str] | None = None
        if defined.authorization == api_definition.COGNITO_USER_POOLS:
            token = next((v for n, v in reversed(pairs) if n.lower() == "authorization"), "")
            token = token.removeprefix("Bearer ").strip()
            if not token or self._verifier is None:
                return gateway_response(responses, "UNAUTHORIZED")
            try:
                claims = authorizer_claims(self._verifier.for_method(token, defined.scopes))
            except (jwt.PyJWTError, KeyError):
                return gateway_response(responses, "UNAUTHORIZED")
        event = proxy_event(
            stage=self.definition.stage,
            prefix=prefix,
            method=method.upper(),
            raw_path=raw_path,
            raw_query=raw_query,
            headers=pairs,
            body=body,
            resource=found.resource,
            path_parameters=found.path_parameters,
            claims=claims,
            binary_media_types=mounted.definition.binary_media_types,
            source_ip=source_ip,
        )
        outcome, response = mounted.function.invoke(event)
        if outcome == "timeout":
            return gateway_response(responses, "INTEGRATION_TIMEOUT")
        if outcome == "error":
            return gateway_response(responses, "INTEGRATION_FAILURE")
        accept = next((v for n, v in reversed(pairs) if n.lower() == "accept"), "")
        try:
            return from_lambda(response, accept, mounted.definition.binary_media_types)
        except (KeyError, TypeError, ValueError, binascii.Error):
            logger.warning("function %s answered a malformed response", mounted.definition.function)
            return gateway_response(responses, "INTEGRATION_FAILURE")

    def _mock(self, api: api_definition.Api, pairs: Sequence[tuple[str, str]]) -> Answer:
        """A CORS preflight, answered by API Gateway's MOCK integration."""
        headers: dict[str, str] = {}
        cors = api.cors
        if cors is not None:
            origin = next((v for n, v in pairs if n.lower() == "origin"), "")
            if origin and (origin in cors.allow_origins or "*" in cors.allow_origins):
                headers["Access-Control-Allow-Origin"] = origin
            headers |= {
                "Access-Control-Allow-Methods": ",".join(cors.allow_methods),
                "Access-Control-Allow-Headers": ",".join(cors.allow_headers),
                "Access-Control-Max-Age": str(cors.max_age_s),
                "Vary": "Origin",
            }
        return 204, headers, b""

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                try:
                    length = int(self.headers.get("content-length") or 0)
                except ValueError:
                    length = -1
                limit = gateway.definition.payload_limit_bytes
                if length < 0 or length > limit:
                    prefix = self.path.lstrip("/").partition("/")[0]
                    mounted = gateway._mounted.get(prefix)
                    responses = mounted.definition.gateway_responses if mounted else {}
                    status, headers, body = gateway_response(responses, "REQUEST_TOO_LARGE")
                    self.close_connection = True
                else:
                    raw = self.rfile.read(length) if length else b""
                    try:
                        status, headers, body = gateway.dispatch(
                            self.command,
                            self.path,
                            list(self.headers.items()),
                            raw,
                            source_ip=self.client_address[0],
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
                """Any other method (TRACE, CONNECT, an invented one) goes through the gateway too: no
                API defines it, so API Gateway answers its MISSING_AUTHENTICATION_TOKEN response."""
                if name.startswith("do_"):
                    return self._serve
                raise AttributeError(name)

            def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
                """http.server's own refusals (a malformed request line; headers too large) as
                problem+json too, never its HTML page."""
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


def _methods_at(root: _Node, resource: str) -> dict[str, Method]:
    node = root
    for segment in [s for s in resource.split("/") if s]:
        if segment.startswith("{") and segment.endswith("+}") and node.greedy:
            node = node.greedy[1]
        elif segment.startswith("{") and segment.endswith("}") and node.param:
            node = node.param[1]
        else:
            node = node.literal[segment]
    return node.methods


def _app_environments(api: HttpApi) -> Callable[[int], Handler]:
    """Environment 0 imports the app as `respite_<service>_app` (the name `respite_infra.openapi`
    reuses), environment n as `respite_<service>_app_<n>`: each its own Chalice app."""

    def new_environment(number: int) -> Handler:
        name = f"respite_{api.service}_app" + (f"_{number}" if number else "")
        handler: Handler = load_app(api, name)
        return handler

    return new_environment


def gateway_response(responses: Mapping[str, GatewayResponse], kind: str) -> Answer:
    """The API's gateway response of this type, else its DEFAULT_4XX/5XX, else API Gateway's own."""
    default_status, default_body = BUILT_IN_RESPONSES[kind]
    chosen = responses.get(kind) or responses.get("DEFAULT_5XX" if default_status >= 500 else "DEFAULT_4XX")
    if chosen is None:
        return default_status, {"Content-Type": "application/json"}, json.dumps(default_body).encode()
    return chosen.status, dict(chosen.headers), chosen.body.encode()


def media_type_matches(content_type: str, binary_media_types: Sequence[str]) -> bool:
    """Does this Content-Type (or one Accept entry) match a binary media type: exact, `type/*`, `*/*`."""
    for entry in content_type.split(","):
        media = entry.split(";", 1)[0].strip().lower()
        if not media:
            continue
        for binary in binary_media_types:
            binary = binary.lower()
            if binary in (media, "*/*") or (binary.endswith("/*") and media.startswith(binary[:-1])):
                return True
    return False


def proxy_event(
    *,
    stage: str,
    prefix: str,
    method: str,
    raw_path: str,
    raw_query: str,
    headers: Sequence[tuple[str, str]],
    body: bytes,
    resource: str,
    path_parameters: Mapping[str, str],
    claims: Mapping[str, str] | None,
    binary_media_types: Sequence[str],
    source_ip: str,
) -> dict[str, Any]:
    """API Gateway's REST (v1) Lambda proxy event for one request to one method."""
    multi_headers: dict[str, list[str]] = {}
    for name, value in headers:
        multi_headers.setdefault(name, []).append(value)
    query: dict[str, list[str]] = {}
    for name, value in parse_qsl(raw_query, keep_blank_values=True):
        query.setdefault(name, []).append(value)
    last = {name.lower(): values[-1] for name, values in multi_headers.items()}
    content_type = last.get("content-type", "")
    user_agent = last.get("user-agent")
    host = last.get("host", "localhost")
    binary = media_type_matches(content_type, binary_media_types)
    now = epoch_seconds()  # the request's time, as the functions' clock tells it
    request_context: dict[str, Any] = {
        "resourceId": API_ID,
        "resourcePath": resource,
        "httpMethod": method,
        "extendedRequestId": uuid.uuid4().hex[:16],
        "requestTime": datetime.fromtimestamp(now, UTC).strftime("%d/%b/%Y:%H:%M:%S +0000"),
        "path": raw_path,
        "accountId": LOCAL_ACCOUNT,
        "protocol": "HTTP/1.1",
        "stage": stage,
        "domainPrefix": host.split(".", 1)[0],
        "requestTimeEpoch": int(now * 1000),
        "requestId": str(uuid.uuid4()),
        "identity": {
            "cognitoIdentityPoolId": None,
            "accountId": None,
            "cognitoIdentityId": None,
            "caller": None,
            "sourceIp": source_ip,
            "principalOrgId": None,
            "accessKey": None,
            "cognitoAuthenticationType": None,
            "cognitoAuthenticationProvider": None,
            "userArn": None,
            "userAgent": user_agent,
            "user": None,
        },
        "domainName": host,
        "apiId": API_ID,
    }
    if claims is not None:
        request_context["authorizer"] = {"claims": dict(claims)}
    if not body:
        event_body = None
    elif binary:
        event_body = base64.b64encode(body).decode("ascii")
    else:
        event_body = body.decode("utf-8", errors="replace")
    return {
        "resource": resource,
        "path": unquote(raw_path),  # on a custom domain, with the base path
        "httpMethod": method,
        "headers": {name: values[-1] for name, values in multi_headers.items()} or None,
        "multiValueHeaders": multi_headers or None,
        "queryStringParameters": {name: values[-1] for name, values in query.items()} or None,
        "multiValueQueryStringParameters": query or None,
        "pathParameters": dict(path_parameters) or None,
        "stageVariables": None,
        "requestContext": request_context,
        "body": event_body,
        "isBase64Encoded": bool(event_body) and binary,
    }


def from_lambda(response: Mapping[str, Any], accept: str, binary_media_types: Sequence[str]) -> Answer:
    """The HTTP answer API Gateway makes of a proxy integration's response."""
    status = int(response["statusCode"])
    if not 100 <= status <= 599:
        raise ValueError("no HTTP status")
    headers = {str(k): str(v) for k, v in (response.get("headers") or {}).items()}
    for name, values in (response.get("multiValueHeaders") or {}).items():
        headers[str(name)] = ", ".join(str(v) for v in values)
    raw = response.get("body")
    if raw is None:
        return status, headers, b""
    if not isinstance(raw, str):
        raise TypeError("the body must be a string")
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
    if response.get("isBase64Encoded") and (
        media_type_matches(accept, binary_media_types) or media_type_matches(content_type, binary_media_types)
    ):
        return status, headers, base64.b64decode(raw, validate=True)
    return status, headers, raw.encode()


class ApiGateway(LocalGateway):
    """For in-process tests only (tests/faults, the webhook tests): a Chalice app invoked through
    Chalice's LocalGateway. The Gateway never uses it; it builds its events from the API definition.

    Chalice's `LocalGateway` without its authorizer: the event carries the claims this gateway
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


def _from_lambda(response: Mapping[str, Any]) -> Answer:
    headers = {k: str(v) for k, v in (response.get("headers") or {}).items()}
    for name, values in (response.get("multiValueHeaders") or {}).items():
        headers[name] = ", ".join(str(v) for v in values)
    raw = response.get("body") or b""
    if response.get("isBase64Encoded"):
        body = base64.b64decode(raw)
    else:
        body = raw if isinstance(raw, bytes) else str(raw).encode()
    return int(response["statusCode"]), headers, body


def _problem(status: int, detail: str) -> Answer:
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status, "detail": detail}
    return status, {"Content-Type": PROBLEM_JSON}, json.dumps(body).encode()


def one_at_a_time(route: ExtraRoute) -> ExtraRoute:
    """An extra route that invokes a Lambda function (e.g. SES's receipt rule playing the inbound-mail
    function): one request at a time, as one environment of that function serves them."""
    lock = threading.Lock()

    def serialized(method: str, headers: Mapping[str, str], body: bytes) -> Answer:
        with lock:
            return route(method, headers, body)

    return serialized


def json_route(produce: Callable[[], Mapping[str, Any]]) -> ExtraRoute:
    """A local-only GET endpoint returning JSON (200, or 503 when `produce` says `ok: False`)."""

    def route(method: str, headers: Mapping[str, str], body: bytes) -> Answer:
        if method not in ("GET", "HEAD"):
            status, headers, body = _problem(405, "Only GET is allowed here.")
            return status, headers | {"Allow": "GET, HEAD"}, body
        payload = produce()
        status = 200 if payload.get("ok", True) else 503
        return status, {"Content-Type": "application/json"}, json.dumps(payload).encode()

    return route


OPERATOR_ROLE = "operator"  # respite_core.callers.Role.OPERATOR: the platform's operators


def operator_only(verifier: TokenVerifier, route: ExtraRoute) -> ExtraRoute:
    """A local-only endpoint for operators: a caseworker id token (as the APIs' Cognito authorizer
    checks it) whose role is operator; 401 without a valid one, 403 for any other role."""

    def guarded(method: str, headers: Mapping[str, str], body: bytes) -> Answer:
        token = headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not token:
            return _problem(401, "An operator's id token is required.")
        try:
            claims = verifier.for_method(token, ())
        except (jwt.PyJWTError, KeyError):
            return _problem(401, "An operator's id token is required.")
        if claims.get("custom:role") != OPERATOR_ROLE:
            return _problem(403, "Only an operator may use this endpoint.")
        return route(method, headers, body)

    return guarded
