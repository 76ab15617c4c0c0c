"""What API Gateway will serve, per the synthesized template, and what the built packages answer to it.

The local gateway is made from `infra/respite_infra/local/api_definition.json`; these tests hold that
file to a fresh synthesis, every route to its authorization, and replay every operation of
`docs/openapi.json` against the deployment packages with the event API Gateway would send for the
method the template gives it. Behind a `/{proxy+}` resource every one of them answered 405.
"""

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from respite_core.callers import USER_SCOPE
from respite_infra.api_definition import extract, render
from respite_infra.catalogue import CATALOGUE, REPO_ROOT
from respite_infra.cdk.apis import Authorization, api_function_name, routes
from respite_infra.local import api_definition
from respite_infra.local.gateway import _tree, match, proxy_event
from tests.infra.conftest import Synthesised
from tests.infra.test_packaging import lambda_runtime, packages

__all__ = ["lambda_runtime"]  # a fixture, used by name

OPENAPI = REPO_ROOT / "docs" / "openapi.json"
CASEWORKER_CLAIMS = {
    "sub": "replay-caseworker",
    "token_use": "id",
    "custom:agency_id": "ocmw-gent",
    "custom:role": "caseworker",
}


def office_claims(scope: str) -> dict[str, str]:
    return {"sub": "replay-office", "client_id": "replay-office", "token_use": "access", "scope": scope}


@pytest.fixture(scope="module")
def definition(dev_stage: Synthesised) -> dict[str, Any]:
    return extract(dev_stage.template.to_json())


def test_the_checked_in_definition_is_what_the_template_says(definition: dict[str, Any]) -> None:
    """`make api-definition` regenerates it (synthesis with the same context as this suite)."""
    assert api_definition.DEFAULT.read_text(encoding="utf-8") == render(definition)


def test_there_is_no_proxy_resource_and_every_route_has_its_own_authorization(
    definition: dict[str, Any],
) -> None:
    for api in CATALOGUE.apis:
        (defined,) = [a for a in definition["apis"] if a["prefix"] == api.prefix]
        methods = {
            (m["resource"], m["http_method"]): m for m in defined["methods"] if m["http_method"] != "OPTIONS"
        }
        assert not any("+}" in resource for resource, _ in methods), "no greedy resource before an app"
        expected = routes(api)
        assert set(methods) == {(r.path, r.method) for r in expected}
        for route in expected:
            method = methods[(route.path, route.method)]
            assert method["integration"] == "AWS_PROXY"
            if route.authorization is Authorization.PUBLIC:
                assert (method["authorization"], method["authorizer"], method["scopes"]) == ("NONE", None, [])
            else:
                assert (method["authorization"], method["authorizer"]) == (
                    "COGNITO_USER_POOLS",
                    "caseworkers",
                )
                # an office route takes its system's scope, or a person's access token (USER_SCOPE)
                wanted = [route.scope, USER_SCOPE] if route.authorization is Authorization.OFFICE else []
                assert method["scopes"] == wanted, route


def test_the_public_routes_are_the_ones_offices_and_readers_reach_without_a_token(
    definition: dict[str, Any],
) -> None:
    public = {
        (a["prefix"], m["resource"], m["http_method"])
        for a in definition["apis"]
        for m in a["methods"]
        if m["authorization"] == "NONE" and m["http_method"] != "OPTIONS"
    }
    assert ("claims", "/callbacks/{dossier_id}/{message_id}", "POST") in public
    assert ("claims", "/replies/by-token/{token}", "POST") in public
    assert ("notifications", "/r/{token}", "GET") in public
    assert ("notifications", "/r/{token}/done", "GET") in public
    assert ("notifications", "/r/{token}/documents/{document_id}", "GET") in public  # the token opens it
    office_download = "/dossiers/{dossier_id}/messages/{message_id}/documents/{document_id}"
    assert ("claims", office_download, "GET") not in public  # the office's token, its read scope
    assert ("consent", "/dossiers/{dossier_id}", "GET") not in public
    assert not [
        p for p in public if not p[1].startswith(("/callbacks", "/replies", "/r/", "/docs", "/openapi"))
    ]


def sample_path(template_path: str) -> str:
    """An operation's path with every parameter filled (with a character API Gateway must decode)."""
    out = []
    for segment in template_path.split("/"):
        out.append("x%3Ay" if segment.startswith("{") else segment)
    return "/".join(out)


def replay_events(definition: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Per API function: the event of every operation in docs/openapi.json, as API Gateway builds it."""
    parsed = api_definition.parse(definition)
    operations = json.loads(OPENAPI.read_text(encoding="utf-8"))["paths"]
    events: dict[str, list[dict[str, Any]]] = {}
    for full_path, item in operations.items():
        prefix, _, rest = full_path.lstrip("/").partition("/")
        defined = parsed.api(prefix)
        assert defined is not None, full_path
        for method_name in item:
            method = method_name.upper()
            found = match(_tree(defined.methods), sample_path("/" + rest))
            assert found is not None, f"API Gateway has no resource for {method} {full_path}"
            methods = {m.http_method: m for m in defined.methods if m.resource == found.resource}
            chosen = methods.get(method) or methods.get("ANY")
            assert chosen is not None, f"API Gateway has no method for {method} {full_path}"
            claims = None
            if chosen.authorization == "COGNITO_USER_POOLS":
                claims = office_claims(chosen.scopes[0]) if chosen.scopes else CASEWORKER_CLAIMS
            body = b"{}" if method == "POST" else b""
            event = proxy_event(
                stage=parsed.stage,
                prefix=prefix,
                method=method,
                raw_path="/" + prefix + sample_path("/" + rest),
                raw_query="",
                headers=[("Host", "api.respite.test"), ("Content-Type", "application/json")],
                body=body,
                resource=found.resource,
                path_parameters=found.path_parameters,
                claims=claims,
                binary_media_types=defined.binary_media_types,
                source_ip="192.0.2.1",
            )
            events.setdefault(defined.function, []).append(event)
    return events


REPLAY = """
import importlib, json, sys
sys.path[:0] = sys.argv[1:3]
module, _, attribute = sys.argv[3].rpartition(".")
handler = getattr(importlib.import_module(module), attribute)
answers = []
for event in json.load(sys.stdin):
    try:
        response = handler(event, None)
        answers.append({"status": response["statusCode"], "body": str(response.get("body"))[:300]})
    except Exception as error:  # Chalice raises when no view matches the resource
        answers.append({"status": None, "body": repr(error)[:300]})
print("ANSWERS " + json.dumps(answers))  # the apps log JSON lines to stdout too
"""


def answers_in(stdout: str) -> list[dict[str, Any]]:
    (line,) = [line for line in stdout.splitlines() if line.startswith("ANSWERS ")]
    answers: list[dict[str, Any]] = json.loads(line.removeprefix("ANSWERS "))
    return answers


def replay(
    dev_stage: Synthesised, definition: dict[str, Any], lambda_runtime: Path, tmp_path: Path
) -> list[str]:
    """Every operation's event, as `definition` says API Gateway builds it, through the built package:
    the operations whose view was not reached (no view for the resource, or 405)."""
    events = replay_events(definition)
    built = {
        name.removeprefix("respite-dev-"): (handler, props) for name, handler, props in packages(dev_stage)
    }
    assert set(events) == {api_function_name(a) for a in CATALOGUE.apis}
    assert sum(len(e) for e in events.values()) == sum(
        len(item) for item in json.loads(OPENAPI.read_text(encoding="utf-8"))["paths"].values()
    )
    failures = []
    for function, function_events in events.items():
        handler, props = built[function]
        unpacked = tmp_path / function
        if not unpacked.exists():
            shutil.copytree(dev_stage.assembly / f"asset.{props['asset']}", unpacked)
        env = {k: v if isinstance(v, str) else "placeholder" for k, v in props["Variables"].items()}
        result = subprocess.run(
            [sys.executable, "-I", "-S", "-c", REPLAY, str(unpacked), str(lambda_runtime), handler],
            input=json.dumps(function_events),
            env={
                "PATH": "/usr/bin:/bin",
                "AWS_REGION": "eu-west-1",
                "AWS_DEFAULT_REGION": "eu-west-1",
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
                # nothing listens: a view that reaches AWS fails fast (500), which is not what is asserted
                "AWS_ENDPOINT_URL": "http://127.0.0.1:9",
                "AWS_MAX_ATTEMPTS": "1",
                **env,
            },
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        for event, answer in zip(function_events, answers_in(result.stdout), strict=True):
            where = f"{event['httpMethod']} {event['path']} ({function})"
            if answer["status"] is None or answer["status"] == 405 or "no view" in answer["body"].lower():
                failures.append(f"{where}: {answer}")
    return failures


def test_every_operation_reaches_its_view_in_the_built_package(
    dev_stage: Synthesised, definition: dict[str, Any], lambda_runtime: Path, tmp_path: Path
) -> None:
    assert replay(dev_stage, definition, lambda_runtime, tmp_path) == []


def test_behind_a_proxy_resource_no_operation_reaches_its_view(
    dev_stage: Synthesised, definition: dict[str, Any], lambda_runtime: Path, tmp_path: Path
) -> None:
    """The replay sees the defect it guards against: the former design, every app behind
    `ANY /` and `ANY /{proxy+}` with the caseworkers' authorizer, answers 405 to the operations."""
    proxied = json.loads(json.dumps(definition))
    for api in proxied["apis"]:
        api["methods"] = [
            {
                "resource": resource,
                "http_method": "ANY",
                "authorization": "COGNITO_USER_POOLS",
                "authorizer": "caseworkers",
                "scopes": [],
                "integration": "AWS_PROXY",
            }
            for resource in ("/", "/{proxy+}")
        ]
    failures = replay(dev_stage, proxied, lambda_runtime, tmp_path)
    operations = sum(len(i) for i in json.loads(OPENAPI.read_text(encoding="utf-8"))["paths"].values())
    assert len(failures) == operations
