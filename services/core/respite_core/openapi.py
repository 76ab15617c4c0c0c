"""The OpenAPI 3.1 document of Respite's HTTP APIs, built from their `Operation`s, and its HTML page.

`document(apis, version=...)` turns the operations every `Api` declared into one OpenAPI 3.1 document:
each path is `/<api.name><operation.path>` (the prefix behind the gateway / custom domain), the schemas
come from the pydantic models (`models_json_schema`: request bodies and query strings in validation
mode, responses in serialization mode) and every error is the shared RFC 9457 `Problem` under
`application/problem+json`. The output depends only on the declarations, so a checked-in copy is
stable (`python -m respite_infra.openapi --check` and a unit test keep `docs/openapi.json` current).

`docs_page(doc)` renders such a document as one self-contained HTML page (Jinja2, autoescaped; no
JavaScript, no external resources), from the document alone, so it works as well on the checked-in
JSON as on a live one.
"""

import copy
import inspect
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from respite_core.callers import OFFICE_READ, OFFICE_WRITE
from respite_core.operations import PROBLEM_JSON, DeclaredApi, Operation

if TYPE_CHECKING:
    from jinja2 import Template

OPENAPI_VERSION = "3.1.0"
SCHEMA_REF_PREFIX = "#/components/schemas/"
PROBLEM_SCHEMA = "Problem"
SECURITY_SCHEME = "caseworkerToken"
OFFICE_SCHEME = "officeClient"
IDEMPOTENCY_HEADER = "Idempotency-Key"
ROLES_EXTENSION = "x-roles"  # the roles that may call an operation, for readers and the docs page

type JsonObject = dict[str, Any]
type Mode = Literal["validation", "serialization"]
type Refs = Mapping[tuple[type[Any], Mode], JsonObject]  # the `$ref` of each (model, mode)

_PATH_PARAMETER = re.compile(r"\{([^{}]+)\}")
_BACKTICKED = re.compile(r"`([^`]+)`")
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# what the shared edge (`respite_core.api`) means by each problem status it produces
_PROBLEM_MEANINGS = {
    400: "the request is malformed (for a body: not valid JSON).",
    401: "no valid token (a caseworker's, or an office system's) or signature was presented.",
    403: "the caller's role may not do this.",
    404: "there is no such resource (or it is not the caller's to see).",
    409: "the request conflicts with the current state of the resource.",
    413: "the body is too large.",
    415: "the body is not application/json.",
    422: "the request does not validate; `invalid_params` names each field and why.",
}

PROBLEM: JsonObject = {
    "type": "object",
    "title": "Problem",
    "description": (
        "An RFC 9457 problem: every error of every API. It never carries request data; some problems "
        "add members of their own (a 409 names the existing resource, for instance)."
    ),
    "properties": {
        "type": {
            "type": "string",
            "format": "uri",
            "description": "Identifies the kind of problem: https://respite.example/problems/<kind>.",
            "examples": ["https://respite.example/problems/validation"],
        },
        "title": {"type": "string", "description": "A short summary of the status."},
        "status": {"type": "integer", "minimum": 400, "maximum": 599, "description": "The HTTP status."},
        "detail": {"type": "string", "description": "What went wrong with this request."},
        "invalid_params": {
            "type": "array",
            "description": "For a 422: each invalid field, without its value.",
            "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "description": "The field's path, e.g. person.birth_date."},
                    "reason": {"type": "string", "description": "Why it is invalid."},
                },
                "required": ["name", "reason"],
            },
        },
    },
    "required": ["type", "title", "status", "detail"],
    "additionalProperties": True,
}

SECURITY_SCHEMES: JsonObject = {
    SECURITY_SCHEME: {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": (
            "A Cognito id token of the caseworkers' user pool: `Authorization: Bearer <id token>`. "
            "The caller's agency and role come from its claims, never from the request."
        ),
    },
    OFFICE_SCHEME: {
        "type": "oauth2",
        "description": (
            "An office system's OAuth2 client credentials (one app client per office; the platform's "
            "operators issue them). Locally the token endpoint is the gateway's `/oauth2/token`."
        ),
        "flows": {
            "clientCredentials": {
                "tokenUrl": "/oauth2/token",
                "scopes": {
                    OFFICE_READ: "fetch the inbox, look up a person",
                    OFFICE_WRITE: "acknowledge, answer requests, upload claims",
                },
            }
        },
    },
}

IDEMPOTENCY_PARAMETER: JsonObject = {
    "name": IDEMPOTENCY_HEADER,
    "in": "header",
    "required": False,
    "description": (
        "A key unique to this request (a UUID, say): a retry with the same key and the same request is "
        "answered with the first outcome and has no second effect. The same key with a different request "
        "is a 422; while the first request is still running, a 409."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[ -~]+$"},
}


# --- the document -----------------------------------------------------------------------------------


def document(
    apis: Sequence[DeclaredApi],
    *,
    version: str,
    servers: Sequence[str | Mapping[str, str]] = (),
    title: str | None = None,
    description: str | None = None,
) -> JsonObject:
    """One OpenAPI 3.1 document for `apis` (in their order, each operation in declaration order).

    `servers` are URLs or server objects (`{"url": ..., "description": ...}`). The title and
    description default to the API's own when there is one, else to a summary of all of them.
    Raises `ValueError` when two operations would share a path and method or an operationId.
    """
    if not apis:
        raise ValueError("no API to document")
    names = [api.name for api in apis]
    if len(set(names)) != len(names):
        raise ValueError(f"two APIs share a name: {names}")

    refs, schemas = _component_schemas(apis)
    paths: dict[str, JsonObject] = {}
    operation_ids: set[str] = set()
    for api in apis:
        for operation in api.operations:
            path = f"/{api.name}{operation.path}"
            method = operation.method.lower()
            if method not in _METHODS:
                raise ValueError(f"{operation.method} {path}: not an HTTP method OpenAPI knows")
            item = paths.setdefault(path, {})
            if method in item:
                raise ValueError(f"{operation.method} {path} is declared twice")
            identifier = operation_id(api, operation)
            if identifier in operation_ids:
                raise ValueError(f"two operations are named {identifier}")
            operation_ids.add(identifier)
            item[method] = _operation(api, operation, identifier, refs, schemas)

    only = apis[0] if len(apis) == 1 else None
    info: JsonObject = {
        "title": title or (only.title if only else "Respite"),
        "version": version,
        "description": description or (only.description if only else _overview(apis)),
    }
    doc: JsonObject = {"openapi": OPENAPI_VERSION, "info": info}
    if servers:
        doc["servers"] = [{"url": server} if isinstance(server, str) else dict(server) for server in servers]
    doc["tags"] = [
        {"name": api.name, "x-displayName": api.title, "description": api.description} for api in apis
    ]
    doc["paths"] = paths
    if PROBLEM_SCHEMA in schemas:
        raise ValueError(f"a model is named {PROBLEM_SCHEMA}, which is the shared problem schema")
    schemas[PROBLEM_SCHEMA] = copy.deepcopy(PROBLEM)  # the document is the caller's to change
    doc["components"] = {
        "schemas": _reachable(paths, schemas),
        "securitySchemes": copy.deepcopy(SECURITY_SCHEMES),
    }
    return doc


def operation_id(api: DeclaredApi, operation: Operation) -> str:
    """`<api>_<view function's name>` (as Chalice registered the route), else from method and path.

    `consent_register_dossier`; a route Chalice does not know (never, for an `Api`) falls back to
    `consent_post_dossiers_dossier_id_closure`.
    """
    routes = getattr(api.app, "routes", {}).get(operation.path, {})
    entry = routes.get(operation.method) or routes.get(operation.method.upper())
    view = getattr(entry, "view_name", None)
    if isinstance(view, str) and view:
        return f"{api.name}_{view}"
    slug = re.sub(r"[^a-z0-9]+", "_", f"{operation.method} {operation.path}".lower()).strip("_")
    return f"{api.name}_{slug}"


def _overview(apis: Sequence[DeclaredApi]) -> str:
    lines = "\n".join(f"- `/{api.name}`: {api.title}" for api in apis)
    return f"The HTTP APIs of Respite, each under its own path prefix:\n\n{lines}"


def _models(apis: Sequence[DeclaredApi]) -> Iterator[tuple[type[BaseModel], Mode]]:
    for api in apis:
        for operation in api.operations:
            if operation.body is not None:
                yield operation.body, "validation"
            if operation.query is not None:
                yield operation.query, "validation"
            for model in operation.responses.values():
                if model is not None:
                    yield model, "serialization"


def _component_schemas(apis: Sequence[DeclaredApi]) -> tuple[Refs, dict[str, JsonObject]]:
    """The `$ref` of each (model, mode) and every schema they need, by name (sorted)."""
    models = list(dict.fromkeys(_models(apis)))  # each (model, mode) once, in declaration order
    if not models:
        return {}, {}
    refs, definitions = models_json_schema(models, ref_template=SCHEMA_REF_PREFIX + "{model}")
    schemas: dict[str, JsonObject] = definitions.get("$defs", {})
    return dict(refs), {name: schemas[name] for name in sorted(schemas)}


def _schema_name(ref: Mapping[str, Any]) -> str:
    target = str(ref["$ref"])
    if not target.startswith(SCHEMA_REF_PREFIX):
        raise ValueError(f"not a component schema: {target}")
    return target.removeprefix(SCHEMA_REF_PREFIX)


def _operation(
    api: DeclaredApi,
    operation: Operation,
    identifier: str,
    refs: Refs,
    schemas: Mapping[str, JsonObject],
) -> JsonObject:
    text = inspect.cleandoc(operation.description or operation.summary)
    if operation.roles:
        text += "\n\n" + roles_line(operation.roles)
    result: JsonObject = {
        "operationId": identifier,
        "summary": operation.summary,
        "description": text,
        "tags": [api.name],
    }
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in path_parameters(operation.path)
    ]
    if operation.query is not None:
        parameters += _query_parameters(schemas[_schema_name(refs[operation.query, "validation"])])
    parameters += [
        {"name": name, "in": "header", "required": True, "description": text, "schema": {"type": "string"}}
        for name, text in operation.headers
    ]
    if operation.idempotent:
        parameters.append(copy.deepcopy(IDEMPOTENCY_PARAMETER))
    if parameters:
        result["parameters"] = parameters
    if operation.body is not None:
        result["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": refs[operation.body, "validation"]}},
        }
    elif operation.request_type != "application/json":
        result["requestBody"] = {
            "required": True,
            "content": {
                operation.request_type: {"schema": {"type": "string"}},
                # the same text as bytes: what generators send for a file (a `text/csv` body they skip)
                **{t: {"schema": {"type": "string", "format": "binary"}} for t in operation.also_accepts},
            },
        }
    result["responses"] = _responses(operation, refs)
    if operation.roles:
        result["security"] = [{SECURITY_SCHEME: []}]
        result[ROLES_EXTENSION] = [str(role) for role in operation.roles]
    elif operation.office_scope is not None:
        result["security"] = [{OFFICE_SCHEME: [operation.office_scope]}]
    return result


def roles_line(roles: Sequence[str]) -> str:
    return "Roles: " + ", ".join(str(role) for role in roles) + "."


def path_parameters(path: str) -> list[str]:
    """The names of a Chalice path's parameters, in order (`{proxy+}` is `proxy`)."""
    return [name.removesuffix("+") for name in _PATH_PARAMETER.findall(path)]


def _query_parameters(model_schema: Mapping[str, Any]) -> list[JsonObject]:
    required = set(model_schema.get("required", ()))
    parameters = []
    for name, prop in model_schema.get("properties", {}).items():
        schema = {k: v for k, v in prop.items() if k not in ("title", "description")}
        parameter: JsonObject = {"name": name, "in": "query", "required": name in required}
        if "description" in prop:
            parameter["description"] = prop["description"]
        parameter["schema"] = schema
        parameters.append(parameter)
    return parameters


def _status_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"Status {status}"


def _responses(operation: Operation, refs: Refs) -> JsonObject:
    responses: JsonObject = {}
    for status, model in operation.responses.items():
        response: JsonObject = {"description": _status_phrase(status)}
        if model is not None:
            response["content"] = {operation.response_type: {"schema": refs[model, "serialization"]}}
        elif operation.response_type != "application/json" and status != HTTPStatus.NO_CONTENT:
            response["content"] = {operation.response_type: {"schema": {"type": "string"}}}
        if status != HTTPStatus.NO_CONTENT:
            for media_type in operation.also_returns:
                response.setdefault("content", {})[media_type] = {"schema": {"type": "string"}}
        responses[str(status)] = response
    for status in operation.problems:
        if str(status) in responses:
            raise ValueError(f"{operation.method} {operation.path}: {status} is both a success and a problem")
        meaning = _PROBLEM_MEANINGS.get(status)
        phrase = _status_phrase(status)
        responses[str(status)] = {
            "description": f"{phrase}: {meaning}" if meaning else phrase,
            "content": {PROBLEM_JSON: {"schema": {"$ref": SCHEMA_REF_PREFIX + PROBLEM_SCHEMA}}},
        }
    return {status: responses[status] for status in sorted(responses)}


def _refs_in(value: Any) -> Iterator[str]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            if key == "$ref" and isinstance(item, str) and item.startswith(SCHEMA_REF_PREFIX):
                yield item.removeprefix(SCHEMA_REF_PREFIX)
            else:
                yield from _refs_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _refs_in(item)


def _reachable(paths: JsonObject, schemas: Mapping[str, JsonObject]) -> dict[str, JsonObject]:
    """The schemas the paths use, directly or through other schemas (a query model itself is not)."""
    seen: set[str] = set()
    pending = list(_refs_in(paths))
    while pending:
        name = pending.pop()
        if name not in seen:
            seen.add(name)
            pending.extend(_refs_in(schemas[name]))
    return {name: schemas[name] for name in sorted(seen)}


# --- the HTML page ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """A piece of a type label: text, or a link to a schema of the page."""

    text: str
    href: str | None = None


@dataclass(frozen=True)
class FieldRow:
    name: str
    type: list[Segment]
    required: bool
    description: str
    notes: list[str]
    location: str = ""  # for parameters: path, query, header


@dataclass(frozen=True)
class BodyView:
    content_type: str
    type: list[Segment]
    fields: list[FieldRow]


@dataclass(frozen=True)
class ResponseView:
    status: str
    description: str
    content_type: str
    type: list[Segment]


@dataclass(frozen=True)
class OperationView:
    anchor: str
    method: str
    path: str
    summary: str
    paragraphs: list[str]
    authenticated: bool
    roles: list[str]
    parameters: list[FieldRow]
    body: BodyView | None
    responses: list[ResponseView]


@dataclass(frozen=True)
class TagView:
    anchor: str
    name: str
    title: str
    paragraphs: list[str]
    operations: list[OperationView] = field(default_factory=list)


@dataclass(frozen=True)
class SchemaView:
    anchor: str
    name: str
    paragraphs: list[str]
    type: list[Segment]
    fields: list[FieldRow]
    values: list[str]


@dataclass(frozen=True)
class PageView:
    title: str
    version: str
    paragraphs: list[str]
    servers: list[tuple[str, str]]
    tags: list[TagView]
    schemas: list[SchemaView]


def docs_page(doc: Mapping[str, Any], *, document_url: str | None = None) -> str:
    """An OpenAPI document as one accessible HTML page: no JavaScript, nothing loaded from elsewhere.

    `document_url`, when given, is linked from the page as the machine-readable document.
    """
    return _template().render(page=page_view(doc), document_url=document_url)


@cache
def _template() -> "Template":
    from jinja2 import Environment, PackageLoader, StrictUndefined  # only when a page is asked for
    from markupsafe import Markup, escape

    def inline_code(text: str) -> Markup:
        """Escaped text whose `backticked` spans become <code> (they are escaped first)."""
        return Markup(_BACKTICKED.sub(r"<code>\1</code>", str(escape(text))))  # noqa: S704

    environment = Environment(
        loader=PackageLoader("respite_core", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["inline_code"] = inline_code
    return environment.get_template("api_docs.html.j2")


def page_view(doc: Mapping[str, Any]) -> PageView:
    """What the page shows, resolved from the document (schemas linked, fields flattened)."""
    schemas: Mapping[str, Any] = doc.get("components", {}).get("schemas", {})
    info = doc.get("info", {})
    tags: dict[str, TagView] = {}
    for tag in doc.get("tags", []):
        name = str(tag["name"])
        tags[name] = TagView(
            anchor=_anchor("api", name),
            name=name,
            title=str(tag.get("x-displayName", name)),
            paragraphs=_paragraphs(tag.get("description", "")),
        )
    for path, item in doc.get("paths", {}).items():
        for method in _METHODS:
            if method not in item:
                continue
            operation = item[method]
            tag_name = str((operation.get("tags") or ["other"])[0])
            if tag_name not in tags:
                tags[tag_name] = TagView(_anchor("api", tag_name), tag_name, tag_name, [])
            tags[tag_name].operations.append(_operation_view(path, method, operation, schemas))
    return PageView(
        title=str(info.get("title", "API")),
        version=str(info.get("version", "")),
        paragraphs=_paragraphs(info.get("description", "")),
        servers=[(str(s["url"]), str(s.get("description", ""))) for s in doc.get("servers", [])],
        tags=[tag for tag in tags.values() if tag.operations],
        schemas=[_schema_view(name, schema, schemas) for name, schema in schemas.items()],
    )


def _anchor(kind: str, name: str) -> str:
    return f"{kind}-" + re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-")


def _paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs, each with its line breaks folded (docstrings wrap lines)."""
    blocks = re.split(r"\n\s*\n", inspect.cleandoc(str(text)))
    return [" ".join(line.strip() for line in block.splitlines()) for block in blocks if block.strip()]


def _operation_view(
    path: str, method: str, operation: Mapping[str, Any], schemas: Mapping[str, Any]
) -> OperationView:
    roles = [str(role) for role in operation.get(ROLES_EXTENSION, [])]
    summary = str(operation.get("summary", ""))
    paragraphs = [
        p for p in _paragraphs(operation.get("description", "")) if p not in (roles_line(roles), summary)
    ]
    parameters = [
        FieldRow(
            name=str(parameter["name"]),
            type=type_label(parameter.get("schema", {})),
            required=bool(parameter.get("required", False)),
            description=str(parameter.get("description", "")),
            notes=_notes(parameter.get("schema", {})),
            location=str(parameter.get("in", "")),
        )
        for parameter in operation.get("parameters", [])
    ]
    body = None
    for content_type, media in operation.get("requestBody", {}).get("content", {}).items():
        schema = media.get("schema", {})
        body = BodyView(content_type, type_label(schema), fields(schema, schemas))
        break
    responses = []
    for status, response in operation.get("responses", {}).items():
        content = response.get("content") or {"": {}}
        for content_type, media in content.items():
            responses.append(
                ResponseView(
                    status=str(status),
                    description=str(response.get("description", "")),
                    content_type=content_type,
                    type=type_label(media["schema"]) if "schema" in media else [],
                )
            )
    return OperationView(
        anchor=_anchor("op", str(operation.get("operationId", f"{method}-{path}"))),
        method=method.upper(),
        path=path,
        summary=summary,
        paragraphs=paragraphs,
        authenticated=bool(operation.get("security")),
        roles=roles,
        parameters=parameters,
        body=body,
        responses=responses,
    )


def _schema_view(name: str, schema: Mapping[str, Any], schemas: Mapping[str, Any]) -> SchemaView:
    return SchemaView(
        anchor=_anchor("schema", name),
        name=name,
        paragraphs=_paragraphs(schema.get("description", "")),
        type=type_label({k: v for k, v in schema.items() if k != "enum"}),
        fields=fields(schema, schemas),
        values=[_literal(value) for value in schema.get("enum", [])],
    )


def _resolve(schema: Mapping[str, Any], schemas: Mapping[str, Any]) -> Mapping[str, Any]:
    seen: set[str] = set()
    while True:
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith(SCHEMA_REF_PREFIX):
            name = ref.removeprefix(SCHEMA_REF_PREFIX)
            if name in seen or name not in schemas:
                return schema
            seen.add(name)
            schema = schemas[name]
        elif len(schema.get("allOf", ())) == 1:
            schema = schema["allOf"][0]
        else:
            return schema


def fields(schema: Mapping[str, Any], schemas: Mapping[str, Any], prefix: str = "") -> list[FieldRow]:
    """An object schema's fields; inline nested objects are flattened (`national_number.country`)."""
    resolved = _resolve(schema, schemas)
    required = set(resolved.get("required", ()))
    rows = []
    for name, prop in resolved.get("properties", {}).items():
        rows.append(
            FieldRow(
                name=prefix + name,
                type=type_label(prop),
                required=name in required,
                description=str(prop.get("description", "")),
                notes=_notes(prop),
            )
        )
        if "$ref" not in prop and "properties" in prop:
            rows.extend(fields(prop, schemas, prefix=f"{prefix}{name}."))
        items = prop.get("items")
        if prop.get("type") == "array" and isinstance(items, Mapping) and "properties" in items:
            rows.extend(fields(items, schemas, prefix=f"{prefix}{name}[]."))
    return rows


def _literal(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)


def type_label(schema: Mapping[str, Any]) -> list[Segment]:
    """A readable type: `string (date-time)`, `array of Claim`, `Address or null`, `one of: nl, fr`."""
    ref = schema.get("$ref")
    if isinstance(ref, str):
        name = ref.removeprefix(SCHEMA_REF_PREFIX)
        return [Segment(name, "#" + _anchor("schema", name))]
    for combinator in ("anyOf", "oneOf"):
        if combinator in schema:
            return _joined([type_label(alternative) for alternative in schema[combinator]], " or ")
    if "allOf" in schema:
        return _joined([type_label(part) for part in schema["allOf"]], " and ")
    if "const" in schema:
        return [Segment(f"constant {_literal(schema['const'])}")]
    if "enum" in schema:
        return [Segment("one of: " + ", ".join(_literal(value) for value in schema["enum"]))]
    kind = schema.get("type")
    if isinstance(kind, list):
        return _joined([type_label({**schema, "type": k}) for k in kind], " or ")
    if kind == "array":
        items = schema.get("items")
        return (
            [Segment("array of "), *type_label(items)] if isinstance(items, Mapping) else [Segment("array")]
        )
    if kind == "object":
        extra = schema.get("additionalProperties")
        if isinstance(extra, Mapping) and extra and "properties" not in schema:
            return [Segment("map of string to "), *type_label(extra)]
        return [Segment("object")]
    if isinstance(kind, str):
        fmt = schema.get("format")
        return [Segment(f"{kind} ({fmt})" if fmt else kind)]
    return [Segment("any")]


def _joined(labels: list[list[Segment]], separator: str) -> list[Segment]:
    result: list[Segment] = []
    for index, label in enumerate(labels):
        if index:
            result.append(Segment(separator))
        result.extend(label)
    return result


_CONSTRAINTS: tuple[tuple[str, Callable[[Any], str]], ...] = (
    ("minLength", lambda n: f"at least {_count(n, 'character')}"),
    ("maxLength", lambda n: f"at most {_count(n, 'character')}"),
    ("pattern", lambda p: f"matches {p}"),
    ("minimum", lambda n: f"≥ {n}"),
    ("exclusiveMinimum", lambda n: f"> {n}"),
    ("maximum", lambda n: f"≤ {n}"),
    ("exclusiveMaximum", lambda n: f"< {n}"),
    ("minItems", lambda n: f"at least {_count(n, 'item')}"),
    ("maxItems", lambda n: f"at most {_count(n, 'item')}"),
)


def _count(n: Any, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _notes(schema: Mapping[str, Any]) -> list[str]:
    """Constraints, default and examples of a field (of each alternative of an `anyOf`)."""
    notes: list[str] = []
    for part in [schema, *schema.get("anyOf", ()), *schema.get("oneOf", ())]:
        for key, describe in _CONSTRAINTS:
            if key in part:
                notes.append(describe(part[key]))
    if "default" in schema:
        notes.append(f"default: {_literal(schema['default'])}")
    if schema.get("examples"):
        notes.append("example: " + ", ".join(_literal(example) for example in schema["examples"]))
    return notes
