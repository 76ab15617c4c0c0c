"""The HTTP edge shared by every Chalice app: RFC 9457 problems, request bodies, the caller.

Chalice turns any exception of a view into a 500 and its own errors (400, 405, 415) into
`{"Code": ..., "Message": ...}`. `problem_responses` (registered as HTTP middleware by every app)
renders `Problem`s and rewrites Chalice's own errors, so every error a client sees is
`application/problem+json` and never carries request data.
"""

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from chalice.app import ChaliceUnhandledError, Request, Response
from pydantic import BaseModel, ValidationError

from respite_core import __version__, openapi, settings
from respite_core.callers import (
    Caller,
    NotAtAnOffice,
    NotAuthenticated,
    OfficeCaller,
    Role,
    ScopeMissing,
    caseworker_from,
    office_from,
)
from respite_core.domain import Language
from respite_core.observability import request_observer
from respite_core.operations import PROBLEM_JSON, Operation
from respite_core.problem_language import DEFAULT_LANGUAGE, detail_in, preferred_language, title
from respite_core.resources import UserPoolName, located
from respite_core.store.data_keys import DataKeyDestroyed

MAX_BODY_BYTES = 256 * 1024

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class InvalidParam:
    name: str  # a JSON pointer-ish path: "person.national_number"
    reason: str


class Problem(ChaliceUnhandledError):
    """An RFC 9457 problem; raise it from a view. `detail` must never contain personal data."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        kind: str | None = None,
        invalid_params: Sequence[InvalidParam] = (),
        extra: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """`headers`: what the answer carries beside its body (e.g. a 429's `Retry-After`)."""
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.kind = kind or title(status, Language.EN).lower().replace(" ", "-")
        self.invalid_params = list(invalid_params)
        self.extra = dict(extra or {})
        self.headers = dict(headers or {})

    def body(self, language: Language = DEFAULT_LANGUAGE) -> dict[str, Any]:
        return self.in_language(language)[1]

    def in_language(self, wanted: Language) -> tuple[Language, dict[str, Any]]:
        """The problem in `wanted`, or in English when the catalogue lacks its detail
        (`respite_core.problem_language`): never half in one language. Field names and reasons
        of `invalid_params` stay as they are."""
        detail = detail_in(self.detail, wanted)
        language = wanted if detail is not None else DEFAULT_LANGUAGE
        body: dict[str, Any] = {
            "type": f"https://respite.example/problems/{self.kind}",
            "title": title(self.status, language),
            "status": self.status,
            "detail": detail if detail is not None else self.detail,
        }
        if self.invalid_params:
            body["invalid_params"] = [{"name": p.name, "reason": p.reason} for p in self.invalid_params]
        body.update(self.extra)
        return language, body

    def response(self, accept_language: str | None = None) -> Response:
        """The answer in the language `accept_language` prefers (English by default), which its
        `Content-Language` names."""
        language, body = self.in_language(preferred_language(accept_language))
        return Response(
            body=json.dumps(body) + "\n",
            status_code=self.status,
            headers={
                **self.headers,
                "Content-Type": PROBLEM_JSON,
                "Content-Language": language.value,
                "Vary": "Accept-Language",
            },
        )


def erased() -> Problem:
    """What a route answers about a dossier whose data key is destroyed (consent withdrawn, erased)."""
    return Problem(410, "Consent was withdrawn: this dossier's personal data is erased.", kind="erased")


def problem_responses(event: Request, get_response: Callable[[Request], Response]) -> Response:
    """Chalice HTTP middleware: every error leaves as `application/problem+json` (but an
    HTML page that a view renders for a person, error pages included, leaves as the page)."""
    accept_language = event.headers.get("accept-language")
    try:
        response = get_response(event)
    except Problem as problem:
        return problem.response(accept_language)
    except Exception:
        logger.exception("unhandled error")  # the traceback names code, never the request body
        return Problem(500, "The request could not be completed.").response(accept_language)
    if response.status_code >= 400 and not (_is_problem(response) or _is_page(response)):
        return _chalice_error_as_problem(response, accept_language)
    return response


def cors_headers(event: Request, get_response: Callable[[Request], Response]) -> Response:
    """Chalice HTTP middleware: an answer to a browser front end of `RESPITE_FRONTEND_ORIGINS` says
    it may read it. API Gateway answers the preflight (OPTIONS) itself but never adds these headers
    to a proxied answer, so the app must."""
    response = get_response(event)
    origin = event.headers.get("origin")
    if origin and origin in settings.current().frontend_origins:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Vary"] = "Origin"
    return response


def _is_problem(response: Response) -> bool:
    return any(k.lower() == "content-type" and v == PROBLEM_JSON for k, v in response.headers.items())


def _is_page(response: Response) -> bool:
    """An HTML page a view rendered for a person (`respite_core.pages`), errors included: a browser
    shows it as it is. Chalice's own errors are never HTML."""
    return any(
        k.lower() == "content-type" and str(v).startswith("text/html") for k, v in response.headers.items()
    )


def _chalice_error_as_problem(response: Response, accept_language: str | None) -> Response:
    body = response.body if isinstance(response.body, dict) else {}
    detail = {
        400: "The request is malformed.",
        405: "This method is not allowed on this resource.",
        415: "Send the body as application/json.",
    }.get(response.status_code, str(body.get("Message", "The request could not be completed.")))
    problem = Problem(response.status_code, detail).response(accept_language)
    for name, value in response.headers.items():
        if name.lower() == "allow":
            problem.headers["Allow"] = value
    return problem


def parse_body[M: BaseModel](request: Request | None, model: type[M]) -> M:
    """The request body as `model`: 400 for malformed JSON, 413 when too large, 422 naming each field."""
    if request is None:
        raise Problem(400, "There is no request to read.")
    raw = request.raw_body or b""
    if len(raw) > MAX_BODY_BYTES:
        raise Problem(413, f"The body is larger than {MAX_BODY_BYTES} bytes.")
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("application/json"):
        raise Problem(415, "Send the body as application/json.")
    try:
        return model.model_validate_json(raw)
    except ValidationError as error:
        if any(e["type"] == "json_invalid" for e in error.errors()):
            raise Problem(400, "The body is not valid JSON.", kind="malformed-json") from None
        raise Problem(
            422,
            "The body does not describe a valid request.",
            kind="validation",
            invalid_params=invalid_params(error),
        ) from None


def invalid_params(error: ValidationError) -> list[InvalidParam]:
    """Field paths and reasons of a validation error, without the offending values."""
    return [
        InvalidParam(".".join(str(part) for part in e["loc"]) or "body", e["msg"])
        for e in error.errors(include_input=False, include_url=False)
    ]


def json_response(body: BaseModel | Mapping[str, Any], status: int = 200, **headers: str) -> Response:
    text = (
        body.model_dump_json() if isinstance(body, BaseModel) else json.dumps(body)
    ) + "\n"  # for terminals
    return Response(body=text, status_code=status, headers={"Content-Type": "application/json", **headers})


def _claims(request: Request | None) -> Mapping[str, Any]:
    """The verified token's claims that API Gateway's Cognito authorizer passed (all strings)."""
    context = request.context if request is not None else {}
    claims = (context.get("authorizer") or {}).get("claims") or {}
    return claims if isinstance(claims, Mapping) else {}


def caller(request: Request | None) -> Caller:
    """The caseworker calling, from their id token; 401 for anything else (an office's access token)."""
    try:
        return caseworker_from(_claims(request))
    except NotAuthenticated:
        raise Problem(401, "A caseworker token is required.") from None


def office_caller(request: Request | None, *, scope: str | None = None) -> OfficeCaller:
    """The office calling; 401 unless the token is an access token, 403 for a user at no office (a
    caseworker) and when a system's token lacks `scope` (e.g. `respite/office.write`)."""
    try:
        return office_from(_claims(request), scope=scope)
    except NotAuthenticated:
        raise Problem(401, "An office system's access token is required.") from None
    except NotAtAnOffice:
        raise Problem(403, "Only the people of one office may do this.", kind="not-an-office-user") from None
    except ScopeMissing as missing:
        raise Problem(403, f"The token lacks the scope {missing.scope}.", kind="insufficient-scope") from None


# --- operations: every route declared once, for Chalice, for role checks and for OpenAPI -----------


DEFAULT_PROBLEMS = (400, 401, 403)


class Api:
    """A Chalice app whose routes are declared as `Operation`s.

    `operation(...)` registers the Chalice route (with the Cognito authorizer when roles are
    required), checks the caller's role (403), and records the operation for the OpenAPI document.
    """

    def __init__(self, name: str, *, title: str, description: str) -> None:
        from chalice.app import Chalice, CognitoUserPoolAuthorizer

        settings.current()  # checked as the function starts: a bad setting stops it, saying which
        self.name = name  # also the path prefix behind the gateway / custom domain
        self.title = title
        self.description = description
        self.app = Chalice(app_name=f"respite-{name}")
        self.app.register_middleware(request_observer(name), "http")  # outermost: sees the final status
        self.app.register_middleware(cors_headers, "http")  # around the problems: errors are readable too
        self.app.register_middleware(problem_responses, "http")
        self.operations: list[Operation] = []
        self._authorizer = CognitoUserPoolAuthorizer(
            "caseworkers", provider_arns=[located(UserPoolName.CASEWORKERS) or "unset"]
        )
        self.app.route("/openapi.json", methods=["GET"])(self._openapi_document)
        self.app.route("/docs", methods=["GET"])(self._docs_page)

    def _openapi_document(self) -> Response:
        """This API's OpenAPI document (public: it describes, it reveals nothing)."""
        return json_response(openapi.document([self], version=__version__))

    def _docs_page(self) -> Response:
        """The same document as a page a person can read, without JavaScript."""
        page = openapi.docs_page(openapi.document([self], version=__version__), document_url="openapi.json")
        return Response(body=page, status_code=200, headers={"Content-Type": "text/html; charset=utf-8"})

    def operation(
        self,
        method: str,
        path: str,
        *,
        summary: str,
        responses: Mapping[int, type[BaseModel] | None],
        body: type[BaseModel] | None = None,
        query: type[BaseModel] | None = None,
        problems: Sequence[int] = (),
        roles: Sequence[Role] = tuple(Role),
        idempotent: bool = False,
        response_type: str = "application/json",
        office_scope: str | None = None,
        request_type: str = "application/json",
        also_returns: Sequence[str] = (),
        also_accepts: Sequence[str] = (),
        headers: Mapping[str, str] | None = None,
        secrets: Sequence[str] = (),
    ) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
        """`secrets`: fields of the success body shown once (credentials): an Idempotency-Key's
        record never keeps them, and a replay answers 409 `secret-shown-once` (see `replayable`)."""

        def register(view: Callable[..., Response]) -> Callable[..., Response]:
            doc = (view.__doc__ or summary).strip()
            body_problems = (413, 415, 422) if body or request_type != "application/json" else ()
            secured = bool(roles) or office_scope is not None
            key_problems = (400, 409, 422) if idempotent else ()  # bad, busy or reused Idempotency-Key
            all_problems = {*problems, *(DEFAULT_PROBLEMS if secured else ()), *body_problems, *key_problems}
            self.operations.append(
                Operation(
                    method=method,
                    path=path,
                    summary=summary,
                    description=doc,
                    body=body,
                    query=query,
                    responses=dict(responses),
                    problems=tuple(sorted(all_problems)),
                    roles=tuple(roles),
                    idempotent=idempotent,
                    response_type=response_type,
                    office_scope=office_scope,
                    request_type=request_type,
                    also_returns=tuple(also_returns),
                    also_accepts=tuple(also_accepts),
                    headers=tuple((headers or {}).items()),
                )
            )
            allowed = frozenset(roles)

            def checked(**path_parameters: str) -> Response:
                request = self.request
                who = caller(request) if allowed else None
                if who is not None and who.role not in allowed:
                    if method == "GET" and "dossier_id" in path_parameters:
                        _refused_read(who, path_parameters["dossier_id"], request)
                    raise Problem(403, "Your role may not do this.")
                office = office_caller(request, scope=office_scope) if office_scope else None

                def run() -> Response:
                    try:
                        return view(**path_parameters)
                    except DataKeyDestroyed:  # the fence refused a write, or a read found no key
                        raise erased() from None

                key = request.headers.get("idempotency-key") if idempotent else None
                if key is None:
                    return run()
                tenant = (
                    f"{who.agency_id}:{who.user_id}"
                    if who
                    else f"office:{office.actor_id}"
                    if office
                    else "-"
                )
                scope = f"{self.name}:{method}:{path}:{tenant}"
                return replayable(
                    key,
                    scope,
                    request,
                    run,
                    about_dossier=path_parameters.get("dossier_id"),
                    secrets=secrets,
                )

            checked.__name__ = view.__name__
            checked.__doc__ = view.__doc__
            route: dict[str, Any] = {"methods": [method], "authorizer": self._authorizer if secured else None}
            if body:
                route["content_types"] = ["application/json"]
            elif request_type != "application/json":
                route["content_types"] = [request_type, *also_accepts]
            self.app.route(path, **route)(checked)
            return view

        return register

    @property
    def request(self) -> Request:
        request = self.app.current_request
        if request is None:
            raise Problem(400, "There is no request to read.")
        return request


def _refused_read(who: Caller, dossier_id: str, request: Request) -> None:
    """A read of a dossier refused by role is in its access log, while it lives (the fence writes
    nothing about one that is erased, or never was)."""
    from respite_core.access_log import Action, Purpose, entry
    from respite_core.ids import utc_now
    from respite_core.store.access_log import AccessLog

    params: Mapping[str, str] = request.query_params or {}
    asked = params.get("purpose", "")
    purpose = Purpose(asked) if asked in set(Purpose) else Purpose.CASE_WORK
    AccessLog().append_refusal(
        entry(who, dossier_id, Action.READ_REFUSED, purpose, at=utc_now(), detail="role")
    )


def replayable(
    key: str,
    scope: str,
    request: Request,
    run: Callable[[], Response],
    *,
    about_dossier: str | None = None,
    secrets: Sequence[str] = (),
) -> Response:
    """Run a write once per Idempotency-Key: a retry gets the first answer and has no second effect.

    A stored answer about a dossier is pointed to from the dossier, behind the liveness fence, so
    erasing the dossier erases the answer; about a dossier whose key is gone nothing is stored (the
    request runs as without a key, and every write it tries is refused by the fence). An answer
    holding `secrets` (fields shown once) is stored without them, and a replay answers 409
    `secret-shown-once` with the answer's other fields: the idempotency table never holds a secret."""
    import hashlib

    from respite_core import idempotency
    from respite_core.store import fence, idempotency_records

    raw: str | bytes = request.raw_body or b""
    payload = raw.encode() if isinstance(raw, str) else bytes(raw)
    path = str(request.context.get("path", ""))
    fingerprint = hashlib.sha256(b"\0".join([request.method.encode(), path.encode(), payload])).hexdigest()
    first: list[Response] = []  # the answer of `run` when it ran in this call (secrets and all)

    def stored() -> idempotency.StoredResponse:
        response = run()
        first.append(response)
        body = response.body if isinstance(response.body, str) else json.dumps(response.body)
        headers = {name: str(value) for name, value in response.headers.items()}
        if secrets and response.status_code < 400:
            body = _without(body, secrets)  # never kept: a replay cannot show them again
        return idempotency.StoredResponse(response.status_code, headers, body)

    record = idempotency.record_id(scope, key)
    if about_dossier is not None:  # before the request runs: an erasure starting meanwhile finds it
        try:
            idempotency_records.remember(about_dossier, record)
        except DataKeyDestroyed:
            return run()  # erased, or never was: nothing to remember, nothing it tries is written
    stays = False  # the pointer stays when a record is (or is being) stored
    try:
        answer = idempotency.once(scope=scope, key=key, request_fingerprint=fingerprint, run=stored)
        stays = answer.status < 400
    except ValueError:
        raise Problem(400, "The Idempotency-Key must be 1 to 255 printable ASCII characters.") from None
    except idempotency.IdempotencyKeyReused:
        stays = True  # perhaps the earlier request's, about the same dossier
        raise Problem(
            422, "This Idempotency-Key was used for a different request.", kind="key-reused"
        ) from None
    except idempotency.IdempotentRequestInProgress:
        stays = True  # the first request's pointer
        raise Problem(409, "A request with this Idempotency-Key is still being processed.") from None
    finally:
        if about_dossier is not None and not stays:
            idempotency_records.forget_pointer(about_dossier, record)
    if about_dossier is not None and stays and not fence.is_alive(about_dossier):
        # Powertools wrote the record outside our transactions: if the key went meanwhile, the
        # erasure may have searched before the record was there, so it goes now
        idempotency_records.forget(record)
    created = _created_dossier(answer.body) if about_dossier is None and answer.status < 400 else None
    if created is not None:  # e.g. a registration: its stored answer names the dossier it opened
        try:
            idempotency_records.remember(created, record)
        except DataKeyDestroyed:
            idempotency_records.forget(record)  # withdrawn already: the answer goes with it
    if first:
        return first[0]
    if secrets and answer.status < 400:
        raise _shown_once(answer.body)  # rendered, in the caller's language, where every problem is
    return Response(body=answer.body, status_code=answer.status, headers=dict(answer.headers))


def _without(answer_body: str, secrets: Sequence[str]) -> str:
    """A JSON answer without its `secrets` fields."""
    try:
        body = json.loads(answer_body)
    except ValueError:
        return "{}"
    kept = (
        {name: value for name, value in body.items() if name not in secrets} if isinstance(body, dict) else {}
    )
    return json.dumps(kept)


def _shown_once(stored_body: str) -> Problem:
    """The replay of an answer that held secrets: done, and what it said but them."""
    try:
        kept = json.loads(stored_body)
    except ValueError:
        kept = {}
    problem = Problem(
        409,
        "This request was done already. Its answer held secrets, which are shown only once and "
        "never kept: issue new ones (e.g. rotate the webhook secret) if they were lost.",
        kind="secret-shown-once",
    )
    reserved = problem.body()
    problem.extra = {k: v for k, v in kept.items() if k not in reserved} if isinstance(kept, dict) else {}
    return problem


def _created_dossier(answer_body: str) -> str | None:
    """The `dossier_id` a stored JSON answer names, if any."""
    try:
        body = json.loads(answer_body)
    except ValueError:
        return None
    dossier_id = body.get("dossier_id") if isinstance(body, dict) else None
    return dossier_id if isinstance(dossier_id, str) and dossier_id else None


def query_params[M: BaseModel](request: Request | None, model: type[M]) -> M:
    """The query string as `model`: 422 naming each bad parameter."""
    params: dict[str, str] = dict((request.query_params if request is not None else None) or {})
    try:
        return model.model_validate(params)
    except ValidationError as error:
        detail = "The query parameters are not valid."
        raise Problem(422, detail, kind="validation", invalid_params=invalid_params(error)) from None
