"""The web front end's static site as the local gateway serves it: files by path, the app's document
for its screens, content types, caching, and the security headers on every answer."""

from pathlib import Path

import pytest

from respite_infra.local.site import StaticSite, content_type, site_file
from respite_infra.site import UploadCors, content_security_policy

DOCUMENT = b"<!doctype html><title>Respite</title>"
SCRIPT = b"console.log('app')"


@pytest.fixture
def site(tmp_path: Path) -> StaticSite:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_bytes(DOCUMENT)
    (tmp_path / "assets" / "index-abc123.js").write_bytes(SCRIPT)
    (tmp_path / "robots.txt").write_bytes(b"User-agent: *\nDisallow: /\n")
    (tmp_path.parent / "secret.txt").write_bytes(b"not the site's")
    return StaticSite(tmp_path)


@pytest.mark.parametrize("path", ["/", "/index.html", "/dossiers/01JD0SS1ER", "/dossiers/01JD0SS1ER/"])
def test_the_document_answers_the_root_and_every_screen_of_the_app(site: StaticSite, path: str) -> None:
    status, headers, body = site.answer("GET", path)
    assert (status, body) == (200, DOCUMENT)
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Cache-Control"] == "no-cache"  # a new build shows at the next load


def test_a_hashed_asset_is_served_with_its_type_and_kept_for_a_year(site: StaticSite) -> None:
    status, headers, body = site.answer("GET", "/assets/index-abc123.js")
    assert (status, body) == (200, SCRIPT)
    assert headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_a_missing_file_is_a_404_not_the_document(site: StaticSite) -> None:
    status, headers, body = site.answer("GET", "/assets/gone-0000.js")
    assert status == 404
    assert body != DOCUMENT
    assert headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/../secret.txt", "/%2e%2e/secret.txt", "/assets/..%2f..%2fsecret.txt"])
def test_nothing_outside_the_site_is_served(site: StaticSite, path: str) -> None:
    status, _, body = site.answer("GET", path)
    assert b"not the site's" not in body
    assert status == 404


def test_every_answer_carries_the_security_headers(site: StaticSite) -> None:
    for path in ("/", "/assets/index-abc123.js", "/nope.png"):
        _, headers, _ = site.answer("GET", path)
        assert headers["Content-Security-Policy"] == content_security_policy()
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "no-referrer"
        assert headers["X-Content-Type-Options"] == "nosniff"


def test_the_policy_allows_only_the_sites_own_scripts_and_styles() -> None:
    policy = content_security_policy()
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["default-src"] == "'none'"
    assert "https://api.respite.example" in content_security_policy(["https://api.respite.example"])


def test_the_app_may_post_uploads_to_the_local_s3_and_nowhere_else(tmp_path: Path) -> None:
    site = StaticSite(tmp_path, connect_origins=("http://127.0.0.1:5001",))
    _, headers, _ = site.answer("GET", "/")
    directives = dict(d.strip().split(" ", 1) for d in headers["Content-Security-Policy"].split(";"))
    assert directives["connect-src"] == "'self' http://127.0.0.1:5001"
    assert directives["form-action"] == "'self'"


def test_the_upload_cors_rule_is_for_the_front_ends_post_only() -> None:
    assert UploadCors(()).rules() == []  # no front end: no browser may post
    (rule,) = UploadCors(("https://app.respite.example",)).rules()
    assert rule["AllowedMethods"] == ["POST"]
    assert rule["AllowedOrigins"] == ["https://app.respite.example"]


def test_only_get_and_head_are_answered(site: StaticSite) -> None:
    status, headers, _ = site.answer("POST", "/")
    assert (status, headers["Allow"]) == (405, "GET, HEAD")


def test_an_unbuilt_site_says_how_to_build_it(tmp_path: Path) -> None:
    status, _, body = StaticSite(tmp_path / "dist").answer("GET", "/")
    assert status == 404
    assert b"make web" in body


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("app.css", "text/css; charset=utf-8"),
        ("logo.svg", "image/svg+xml"),
        ("site.webmanifest", "application/manifest+json"),
        ("font.woff2", "font/woff2"),
        ("blob.unknownext", "application/octet-stream"),
    ],
)
def test_content_types(path: str, expected: str) -> None:
    assert content_type(path) == expected


def test_a_path_is_normalised_within_the_root() -> None:
    assert site_file("/") == "index.html"
    assert site_file("/a/./b/../c") == "a/c"
    assert site_file("/../../etc/passwd") == "etc/passwd"  # normalised at the root, never above it
