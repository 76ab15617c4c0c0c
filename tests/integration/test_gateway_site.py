"""The web front end behind the local gateway: the site answers `/` and the app's screens, the APIs and
the local routes answer exactly as without it."""

import json
from collections.abc import Iterator

import pytest

from respite_infra.local import api_definition
from respite_infra.local.gateway import Gateway, json_route
from respite_infra.local.site import StaticSite
from tests.integration.test_gateway import DEFINITION, echo

DOCUMENT = b"<!doctype html><title>Respite</title>"


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    root = tmp_path_factory.mktemp("dist")
    (root / "index.html").write_bytes(DOCUMENT)
    gateway = Gateway(
        [],
        None,
        port=0,
        definition=api_definition.parse(DEFINITION),
        concurrency=1,
        extra_routes={"/local/thing": json_route(lambda: {"ok": True})},
        site=StaticSite(root),
    )
    gateway.mount("api", lambda _: echo)
    yield gateway
    gateway.stop()


@pytest.mark.parametrize("path", ["/", "/dossiers/01JD0SS1ER", "/dossiers/01JD0SS1ER?tab=claims"])
def test_the_site_answers_the_root_and_the_apps_screens(gateway: Gateway, path: str) -> None:
    status, headers, body = gateway.dispatch("GET", path, {}, b"")
    assert (status, body) == (200, DOCUMENT)
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]


def test_the_apis_answer_as_before(gateway: Gateway) -> None:
    status, _, body = gateway.dispatch("GET", "/api/items", {}, b"")
    assert status == 200
    assert json.loads(body)["event"]["resource"] == "/items"
    status, headers, body = gateway.dispatch("GET", "/api/nowhere", {}, b"")
    assert (status, headers["Content-Type"]) == (404, "application/problem+json")
    assert body != DOCUMENT


def test_local_routes_answer_and_their_prefix_is_never_the_site(gateway: Gateway) -> None:
    assert gateway.dispatch("GET", "/local/thing", {}, b"")[0] == 200
    assert gateway.dispatch("GET", "/local/other", {}, b"")[:3:2] == (403, b'{"message":"Forbidden"}')


def test_a_write_to_the_site_is_refused(gateway: Gateway) -> None:
    status, headers, _ = gateway.dispatch("POST", "/dossiers", {}, b"{}")
    assert (status, headers["Allow"]) == (405, "GET, HEAD")
