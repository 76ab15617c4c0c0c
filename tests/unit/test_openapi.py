"""The OpenAPI document and its HTML page, from a small synthetic `Api` declared here."""

import json
import re
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
from chalice.app import Response
from pydantic import BaseModel, Field, computed_field

from respite_core.api import Api, json_response
from respite_core.callers import Role
from respite_core.openapi import docs_page, document, operation_id
from respite_core.operations import PROBLEM_JSON, Operation

PARTS = "/demo/things/{thing_id}/parts"
SCRIPT = '<script>alert("x")</script>'


class Colour(StrEnum):
    RED = "red"
    BLUE = "blue"


class ListParts(BaseModel):
    owner: str = Field(description="whose parts")
    colour: Colour | None = None
    limit: int = Field(default=20, ge=1, le=100, description="at most this many")


class AddPart(BaseModel):
    """A part to add. <script>alert("x")</script>"""

    name: str = Field(min_length=1, max_length=50, description=f"the part's name {SCRIPT}")
    colour: Colour


class Part(BaseModel):
    part_id: str
    name: str
    colour: Colour


class PartPage(BaseModel):
    items: list[Part]


class Thing(BaseModel):
    """Differs between what is sent and what is answered: pydantic names it Thing-Input / Thing-Output."""

    label: str

    @computed_field  # type: ignore[prop-decorator]
    @property
    def slug(self) -> str:
        return self.label.lower()


class Status(BaseModel):
    up: bool


def demo_api() -> Api:
    api = Api("demo", title="Demo API", description="Things and their parts.")

    @api.operation(
        "POST",
        "/things/{thing_id}/parts",
        summary="Add a part",
        body=AddPart,
        responses={201: Part},
        problems=(404, 409),
        roles=(Role.CASEWORKER,),
        idempotent=True,
    )
    def add_part(thing_id: str) -> Response:
        """Adds a part to the thing.

        A second paragraph."""
        return json_response(Part(part_id="p1", name="bolt", colour=Colour.RED), 201)

    @api.operation(
        "GET",
        "/things/{thing_id}/parts",
        summary="List parts",
        query=ListParts,
        responses={200: PartPage},
        problems=(404, 422),
        roles=(Role.CASEWORKER, Role.AGENCY_ADMIN),
    )
    def list_parts(thing_id: str) -> Response:
        return json_response(PartPage(items=[]))

    @api.operation("PUT", "/things/{thing_id}", summary="Replace a thing", body=Thing, responses={200: Thing})
    def replace_thing(thing_id: str) -> Response:
        return json_response(Thing(label=thing_id))

    @api.operation("GET", "/status", summary="Is it up", responses={200: Status, 204: None}, roles=())
    def status() -> Response:
        return json_response(Status(up=True))

    return api


@pytest.fixture(scope="module")
def api() -> Api:
    return demo_api()


@pytest.fixture(scope="module")
def doc(api: Api) -> dict[str, Any]:
    return document([api], version="1.2.3", servers=["http://127.0.0.1:8000"])


def operations(doc: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def op(doc: dict[str, Any], operation_id: str) -> dict[str, Any]:
    return next(o for _, _, o in operations(doc) if o["operationId"] == operation_id)


def params(operation: dict[str, Any], where: str) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in operation.get("parameters", []) if p["in"] == where}


def resolve(doc: dict[str, Any], ref: str) -> dict[str, Any]:
    assert ref.startswith("#/components/schemas/"), ref
    schema: dict[str, Any] = doc["components"]["schemas"][ref.removeprefix("#/components/schemas/")]
    return schema  # KeyError: a dangling $ref


def refs(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "$ref":
                yield item
            else:
                yield from refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from refs(item)


# --- the document ------------------------------------------------------------------------------------


def test_the_document_is_openapi_3_1_with_info_servers_and_a_tag_per_api(doc: dict[str, Any]) -> None:
    assert doc["openapi"] == "3.1.0"
    assert doc["info"] == {"title": "Demo API", "version": "1.2.3", "description": "Things and their parts."}
    assert doc["servers"] == [{"url": "http://127.0.0.1:8000"}]
    assert doc["tags"] == [
        {"name": "demo", "x-displayName": "Demo API", "description": "Things and their parts."}
    ]
    assert json.loads(json.dumps(doc)) == doc  # plain JSON all the way down


def test_each_path_carries_the_api_prefix_and_each_operation_is_named_after_its_view(
    doc: dict[str, Any],
) -> None:
    assert {(path, method) for path, method, _ in operations(doc)} == {
        (PARTS, "post"),
        (PARTS, "get"),
        ("/demo/things/{thing_id}", "put"),
        ("/demo/status", "get"),
    }
    ids = [o["operationId"] for _, _, o in operations(doc)]
    assert ids == ["demo_add_part", "demo_list_parts", "demo_replace_thing", "demo_status"]
    assert all(o["tags"] == ["demo"] for _, _, o in operations(doc))


def test_the_operation_id_falls_back_to_method_and_path_for_a_route_chalice_does_not_know() -> None:
    api = Api("consent", title="Consent", description="")
    closure = Operation(
        method="POST",
        path="/dossiers/{dossier_id}/closure",
        summary="Close",
        description="Close",
        body=None,
        query=None,
        responses={200: None},
        problems=(),
        roles=(),
        idempotent=False,
    )
    assert operation_id(api, closure) == "consent_post_dossiers_dossier_id_closure"


def test_every_chalice_path_parameter_is_a_required_string_path_parameter(doc: dict[str, Any]) -> None:
    for path, _, operation in operations(doc):
        in_path = params(operation, "path")
        assert set(in_path) == set(re.findall(r"\{(\w+)\}", path))
        for parameter in in_path.values():
            assert parameter["required"] is True
            assert parameter["schema"] == {"type": "string"}
    assert set(params(op(doc, "demo_add_part"), "path")) == {"thing_id"}


def test_the_query_model_becomes_query_parameters_with_their_required_flags(doc: dict[str, Any]) -> None:
    query = params(op(doc, "demo_list_parts"), "query")
    assert list(query) == ["owner", "colour", "limit"]
    assert query["owner"]["required"] is True
    assert query["owner"]["description"] == "whose parts"
    assert query["colour"]["required"] is False
    assert query["limit"]["required"] is False
    assert query["limit"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}
    colour_refs = list(refs(query["colour"]["schema"]))
    assert colour_refs == ["#/components/schemas/Colour"]
    assert resolve(doc, colour_refs[0])["enum"] == ["red", "blue"]
    assert "ListParts" not in doc["components"]["schemas"]  # its fields are parameters, not a schema
    assert not params(op(doc, "demo_status"), "query")


def test_the_request_body_refers_to_a_component_schema_in_validation_mode(doc: dict[str, Any]) -> None:
    body = op(doc, "demo_add_part")["requestBody"]
    assert body["required"] is True
    assert list(body["content"]) == ["application/json"]
    schema = resolve(doc, body["content"]["application/json"]["schema"]["$ref"])
    assert schema["title"] == "AddPart"
    assert schema["required"] == ["name", "colour"]
    assert schema["properties"]["name"]["maxLength"] == 50
    assert "requestBody" not in op(doc, "demo_list_parts")


def test_a_model_sent_and_answered_differently_gets_an_input_and_an_output_schema(
    doc: dict[str, Any],
) -> None:
    replace = op(doc, "demo_replace_thing")
    sent = replace["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    answered = replace["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert (sent, answered) == ("#/components/schemas/Thing-Input", "#/components/schemas/Thing-Output")
    assert "slug" not in resolve(doc, sent)["properties"]
    assert "slug" in resolve(doc, answered)["properties"]


def test_every_ref_resolves_and_every_component_schema_is_used(doc: dict[str, Any]) -> None:
    for ref in refs(doc):
        resolve(doc, ref)
    used = {ref.removeprefix("#/components/schemas/") for ref in refs(doc)}
    assert set(doc["components"]["schemas"]) == used
    assert list(doc["components"]["schemas"]) == sorted(doc["components"]["schemas"])


def test_success_responses_carry_their_model_or_no_content(doc: dict[str, Any]) -> None:
    added = op(doc, "demo_add_part")["responses"]["201"]
    assert added["description"] == "Created"
    assert resolve(doc, added["content"]["application/json"]["schema"]["$ref"])["title"] == "Part"
    status = op(doc, "demo_status")["responses"]
    assert list(status) == ["200", "204"]
    assert "content" not in status["204"]


def test_every_problem_status_answers_the_shared_problem_schema_as_problem_json(doc: dict[str, Any]) -> None:
    statuses = {o["operationId"]: list(o["responses"]) for _, _, o in operations(doc)}
    assert statuses["demo_add_part"] == ["201", "400", "401", "403", "404", "409", "413", "415", "422"]
    assert statuses["demo_list_parts"] == ["200", "400", "401", "403", "404", "422"]
    assert statuses["demo_status"] == ["200", "204"]  # no roles, no body: no problem declared
    for _, _, operation in operations(doc):
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                assert response["content"] == {
                    PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}
                }
    problem = doc["components"]["schemas"]["Problem"]
    assert problem["type"] == "object"
    assert problem["required"] == ["type", "title", "status", "detail"]
    assert set(problem["properties"]) == {"type", "title", "status", "detail", "invalid_params"}
    assert problem["properties"]["invalid_params"]["items"]["required"] == ["name", "reason"]
    assert problem["additionalProperties"] is True  # a problem may add members (a 409 names the dossier)


def test_only_an_idempotent_operation_takes_an_idempotency_key_header(doc: dict[str, Any]) -> None:
    for _, _, operation in operations(doc):
        headers = params(operation, "header")
        if operation["operationId"] == "demo_add_part":
            key = headers["Idempotency-Key"]
            assert key["required"] is False
            assert key["schema"]["type"] == "string"
            assert (key["schema"]["minLength"], key["schema"]["maxLength"]) == (1, 255)
        else:
            assert headers == {}


def test_only_role_protected_operations_need_the_caseworker_token(doc: dict[str, Any]) -> None:
    schemes = doc["components"]["securitySchemes"]
    assert schemes["caseworkerToken"]["type"] == "http"
    assert schemes["caseworkerToken"]["scheme"] == "bearer"
    assert schemes["caseworkerToken"]["bearerFormat"] == "JWT"
    assert "security" not in doc  # no global requirement: each operation says
    add, listing = op(doc, "demo_add_part"), op(doc, "demo_list_parts")
    assert add["security"] == listing["security"] == [{"caseworkerToken": []}]
    assert add["description"] == "Adds a part to the thing.\n\nA second paragraph.\n\nRoles: caseworker."
    assert listing["description"].endswith("Roles: caseworker, agency_admin.")
    assert listing["x-roles"] == ["caseworker", "agency_admin"]
    status = op(doc, "demo_status")
    assert "security" not in status
    assert "Roles:" not in status["description"]


def test_the_document_is_structurally_valid_openapi_3_1(doc: dict[str, Any]) -> None:
    assert set(doc) <= {"openapi", "info", "jsonSchemaDialect", "servers", "paths", "webhooks"} | {
        "components",
        "security",
        "tags",
        "externalDocs",
    }
    assert {"title", "version"} <= set(doc["info"])
    for path, item in doc["paths"].items():
        assert path.startswith("/")
        for method, operation in item.items():
            assert method in {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
            assert operation["responses"], f"{method} {path} has no responses"
            for status, response in operation["responses"].items():
                assert re.fullmatch(r"[1-5]\d\d", status)
                assert isinstance(response["description"], str)
            seen = [(p["name"], p["in"]) for p in operation.get("parameters", [])]
            assert len(seen) == len(set(seen)), f"{method} {path} repeats a parameter"
            for parameter in operation.get("parameters", []):
                assert parameter["in"] in {"path", "query", "header", "cookie"}
                assert "schema" in parameter
            for requirement in operation.get("security", []):
                assert set(requirement) <= set(doc["components"]["securitySchemes"])


def test_the_document_validates_against_the_openapi_3_1_schema(doc: dict[str, Any]) -> None:
    validator = pytest.importorskip("openapi_spec_validator")  # comes with moto[server]
    validator.validate(doc)


def test_the_document_is_deterministic() -> None:
    first = document([demo_api()], version="1")
    second = document([demo_api()], version="1")
    assert json.dumps(first) == json.dumps(second)


def test_several_apis_share_one_document_and_names_must_differ(api: Api) -> None:
    other = Api("other", title="Other API", description="Another one.")

    @other.operation("GET", "/ping", summary="Ping", responses={200: Status}, roles=())
    def ping() -> Response:
        return json_response(Status(up=True))

    both = document([api, other], version="1")
    assert "/other/ping" in both["paths"]
    assert PARTS in both["paths"]
    assert [tag["name"] for tag in both["tags"]] == ["demo", "other"]
    assert both["info"]["title"] == "Respite"
    with pytest.raises(ValueError, match="share a name"):
        document([api, api], version="1")
    with pytest.raises(ValueError, match="no API"):
        document([], version="1")


# --- the HTML page -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def page(doc: dict[str, Any]) -> str:
    return docs_page(doc)


def test_the_page_escapes_what_the_models_say(page: str) -> None:
    assert "<script" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page  # the model's docstring
    assert "the part&#39;s name &lt;script&gt;" in page  # a field's description


def test_the_page_lists_every_operation_with_its_summary_and_responses(
    doc: dict[str, Any], page: str
) -> None:
    for path, method, operation in operations(doc):
        section = page.split(f'id="op-{operation["operationId"]}"', 1)[1].split('class="operation"', 1)[0]
        assert f">{method.upper()}</span> <code>{path}</code>" in section
        assert operation["summary"] in section
        for status in operation["responses"]:
            assert f'<th scope="row">{status}</th>' in section
    assert page.count('class="operation"') == 4


def test_the_page_shows_the_request_body_as_a_field_table(page: str) -> None:
    section = page.split('id="op-demo_add_part"', 1)[1].split('class="operation"', 1)[0]
    assert "Request body of POST /demo/things/{thing_id}/parts" in section
    name_row = section.split("<code>name</code></th>", 1)[1].split("</tr>", 1)[0]
    assert "<td>string</td>" in name_row
    assert "<td>yes</td>" in name_row
    assert "at most 50 characters" in name_row
    assert '<a href="#schema-Colour">Colour</a>' in section
    assert "caseworker" in section  # the roles


def test_the_page_is_accessible_and_self_contained(page: str) -> None:
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in page
    assert page.count("<h1>") == 1
    assert "<main" in page
    assert '<nav aria-labelledby="contents">' in page
    assert '<th scope="col">Required</th>' in page
    assert "<caption>" in page
    for external in ("<script", "<link", " src=", "@import", "//cdn"):
        assert external not in page


def test_the_page_renders_the_checked_in_form_of_the_document_alike(doc: dict[str, Any], page: str) -> None:
    assert docs_page(json.loads(json.dumps(doc))) == page
    linked = docs_page(doc, document_url="openapi.json")
    assert '<a href="openapi.json">openapi.json</a>' in linked


def test_a_success_that_may_come_in_another_media_type_documents_it() -> None:
    """Found by fuzzing (schemathesis' content-type check): the office inbox answers `format=csv` as
    text/csv, which the document did not say."""
    api = Api("demo", title="Demo API", description="")

    @api.operation(
        "GET", "/inbox", summary="The inbox", responses={200: Part}, roles=(), also_returns=("text/csv",)
    )
    def inbox() -> Response:
        raise NotImplementedError

    content = document([api], version="1")["paths"]["/demo/inbox"]["get"]["responses"]["200"]["content"]
    assert content["application/json"]["schema"] == {"$ref": "#/components/schemas/Part"}
    assert content["text/csv"] == {"schema": {"type": "string"}}


def test_the_headers_an_operation_requires_are_required_header_parameters() -> None:
    """A client generated from the document must send a signed callback's headers: they are declared."""
    api = Api("demo", title="Demo API", description="")

    @api.operation(
        "POST",
        "/callbacks/{thing_id}",
        summary="A signed callback",
        body=Thing,
        responses={201: Part},
        roles=(),
        headers={"webhook-id": "The message's id.", "webhook-signature": "The signature."},
    )
    def callback(thing_id: str) -> Response:
        raise NotImplementedError

    operation = document([api], version="1")["paths"]["/demo/callbacks/{thing_id}"]["post"]
    assert params(operation, "header") == {
        "webhook-id": {
            "name": "webhook-id",
            "in": "header",
            "required": True,
            "description": "The message's id.",
            "schema": {"type": "string"},
        },
        "webhook-signature": {
            "name": "webhook-signature",
            "in": "header",
            "required": True,
            "description": "The signature.",
            "schema": {"type": "string"},
        },
    }


def test_a_text_body_also_accepted_as_bytes_documents_both_media_types() -> None:
    """Generators skip a `text/csv` body but keep an `application/octet-stream` one (a file)."""
    api = Api("demo", title="Demo API", description="")

    @api.operation(
        "POST",
        "/parts.csv",
        summary="Upload parts",
        responses={201: Part},
        roles=(),
        request_type="text/csv",
        also_accepts=("application/octet-stream",),
    )
    def upload() -> Response:
        raise NotImplementedError

    body = document([api], version="1")["paths"]["/demo/parts.csv"]["post"]["requestBody"]
    assert body == {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
        },
    }
    route = api.app.routes["/parts.csv"]["POST"]
    assert route.content_types == ["text/csv", "application/octet-stream"]


def test_the_checked_in_claims_api_serves_generated_clients() -> None:
    """docs/openapi.json: the callback declares its webhook headers, the CSV inbox is its own operation
    answering only text/csv (the JSON inbox only JSON), the CSV upload also takes bytes."""
    doc = json.loads((Path(__file__).resolve().parents[2] / "docs/openapi.json").read_text())
    callback = doc["paths"]["/claims/callbacks/{dossier_id}/{message_id}"]["post"]
    headers = params(callback, "header")
    assert {h for h, p in headers.items() if p["required"]} == {
        "webhook-id",
        "webhook-timestamp",
        "webhook-signature",
    }
    inbox = doc["paths"]["/claims/inbox"]["get"]
    assert list(inbox["responses"]["200"]["content"]) == ["application/json"]
    assert "format" not in params(inbox, "query")
    as_csv = doc["paths"]["/claims/inbox.csv"]["get"]
    assert as_csv["responses"]["200"]["content"] == {"text/csv": {"schema": {"type": "string"}}}
    assert set(params(as_csv, "query")) == {"limit", "cursor", "acknowledged"}
    upload = doc["paths"]["/claims/dossiers/{dossier_id}/messages/{message_id}/claims.csv"]["post"]
    assert set(upload["requestBody"]["content"]) == {"text/csv", "application/octet-stream"}
