"""`python -m respite_infra.openapi [--check]`: write or check `docs/openapi.json` (`make openapi`).

The document covers every HTTP API of the catalogue: each service's `app.py` is imported under its own
module name (they are all `app.py`), and its `api` — the `respite_core.api.Api` whose operations declare
the routes — is documented under the catalogue's prefix. `--check` writes nothing: it exits 1 and shows
a diff when the checked-in file is not what the code declares (`tests/unit/test_openapi_is_current.py`
does the same in the test suite).
"""

import argparse
import difflib
import importlib.util
import json
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from respite_core.api import Api
from respite_core.openapi import document
from respite_infra.catalogue import CATALOGUE, REPO_ROOT, Catalogue, HttpApi

OUTPUT = REPO_ROOT / "docs" / "openapi.json"
LOCAL_SERVER = {
    "url": "http://127.0.0.1:8000",
    "description": (
        "The local stack (`make run`). In AWS the APIs are served under the same prefixes on the "
        "stage's custom domain."
    ),
}
TITLE = "Respite"
DESCRIPTION = (
    "The HTTP APIs of Respite, the debt-help data exchange between counselling agencies and creditor "
    "offices. Each API lives under its own path prefix. Every error is an RFC 9457 problem "
    "(`application/problem+json`); the operations that need a token take a caseworker's Cognito id token."
)
MAX_DIFF_LINES = 80


class NoApiError(RuntimeError):
    """A service's app module does not expose the `Api` its routes are declared on."""


def project_version(pyproject: Path = REPO_ROOT / "pyproject.toml") -> str:
    with pyproject.open("rb") as file:
        return str(tomllib.load(file)["project"]["version"])


def load_api(http_api: HttpApi) -> Api:
    """The `api` of `services/<service>/app.py`, imported as `respite_<service>_app` (as the gateway does).

    A module already imported under that name from the same file (by the local gateway) is reused, so
    the app is never built twice in one process.
    """
    module_name = f"respite_{http_api.service}_app"
    module = sys.modules.get(module_name)
    if module is None or Path(getattr(module, "__file__", "") or "").resolve() != http_api.app_path.resolve():
        module = _import(module_name, http_api.app_path)
    api: Any = getattr(module, "api", None)
    if not isinstance(api, Api):
        raise NoApiError(
            f"{http_api.app_path} exposes no `api` (a respite_core.api.Api): declare its routes with "
            "`api = Api(...)` and `@api.operation(...)` so they can be documented"
        )
    if api.name != http_api.prefix:
        raise NoApiError(
            f"{http_api.app_path}: the Api is named {api.name!r} but the catalogue mounts it at "
            f"/{http_api.prefix}; the name is the path prefix, they must agree"
        )
    return api


def _import(module_name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[module_name]
        raise
    return module


def build_document(catalogue: Catalogue = CATALOGUE) -> dict[str, Any]:
    """The OpenAPI document of every HTTP API of the catalogue, in the catalogue's order."""
    return document(
        [load_api(http_api) for http_api in catalogue.apis],
        version=project_version(),
        servers=[LOCAL_SERVER],
        title=TITLE,
        description=DESCRIPTION,
    )


def render(doc: dict[str, Any]) -> str:
    """The file's text: 2-space indent, UTF-8 as is, a trailing newline."""
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def current_text(catalogue: Catalogue = CATALOGUE) -> str:
    """What `docs/openapi.json` should hold."""
    return render(build_document(catalogue))


def stale_diff(expected: str, path: Path = OUTPUT) -> list[str]:
    """A unified diff from the file at `path` to `expected`; empty when the file is current."""
    actual = path.read_text(encoding="utf-8") if path.is_file() else ""
    if actual == expected:
        return []
    name = _display(path)
    return list(
        difflib.unified_diff(
            actual.splitlines(keepends=True),
            expected.splitlines(keepends=True),
            fromfile=f"{name} (checked in)",
            tofile=f"{name} (from the code)",
        )
    )


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m respite_infra.openapi", description=__doc__)
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 with a diff when the file is stale"
    )
    parser.add_argument("--output", type=Path, default=OUTPUT, help=f"default: {_display(OUTPUT)}")
    args = parser.parse_args(argv)
    try:
        expected = current_text()
    except NoApiError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    name = _display(args.output)
    if args.check:
        diff = stale_diff(expected, args.output)
        if not diff:
            print(f"{name} is current")
            return 0
        added = sum(1 for line in diff if line.startswith("+") and not line.startswith("+++"))
        removed = sum(1 for line in diff if line.startswith("-") and not line.startswith("---"))
        print(f"{name} is stale (+{added} -{removed} lines): run `make openapi`", file=sys.stderr)
        sys.stderr.writelines(line if line.endswith("\n") else line + "\n" for line in diff[:MAX_DIFF_LINES])
        if len(diff) > MAX_DIFF_LINES:
            print(f"... and {len(diff) - MAX_DIFF_LINES} more diff lines", file=sys.stderr)
        return 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(expected, encoding="utf-8")
    print(f"wrote {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
