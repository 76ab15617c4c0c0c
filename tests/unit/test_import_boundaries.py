"""The kernel's shape: the consumers never load the HTTP edge, and the kernel's modules import no cycle.

A stream or queue consumer that imported Chalice would carry the HTTP edge into every cold start
and tie the message handling to it. Who is calling lives in `respite_core.callers`, the operations in
`respite_core.operations`: both free of Chalice.
"""

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

SERVICES = Path(__file__).resolve().parents[2] / "services"
# the modules that are the HTTP edge: they may import Chalice
HTTP_EDGE = {
    "respite_core.api",
    "respite_core.pages",
    "respite_notifications.contact_admin",
    "respite_notifications.webhook_admin",
    "respite_notifications.link_page",
}


def module_name(path: Path) -> str:
    parts = path.relative_to(SERVICES).with_suffix("").parts[1:]  # services/<service>/<package>/...
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(package: str) -> dict[str, Path]:
    return {module_name(p): p for p in sorted(SERVICES.glob(f"*/{package}/**/*.py"))}


OURS = modules("respite_*")
CONSUMERS = sorted(name for name in OURS if ".consumers." in name)
# what runs without HTTP: every consumer, retention, the kernel and notifications but their HTTP edge
WITHOUT_HTTP = sorted(
    name
    for name in OURS
    if name.split(".")[0] in {"respite_core", "respite_notifications", "respite_retention"}
    or name in CONSUMERS
    if name not in HTTP_EDGE
)


def imported_at_load(path: Path, name: str) -> Iterator[str]:
    """The modules `path` imports when it is loaded: its top-level imports (those under
    `if TYPE_CHECKING:` and inside functions are left out), `from a import b` as `a` and `a.b`."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in _load_time(ast.parse(path.read_text()).body):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def _load_time(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    for node in body:
        if isinstance(node, ast.If):
            if "TYPE_CHECKING" not in ast.unparse(node.test):
                yield from _load_time(node.body)
            yield from _load_time(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, *(h.body for h in node.handlers), node.orelse, node.finalbody):
                yield from _load_time(block)
        elif not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            yield node


def import_graph() -> dict[str, set[str]]:
    """Each of our modules and what it imports at load (ours by module name, others by top package)."""
    graph: dict[str, set[str]] = {}
    for name, path in OURS.items():
        graph[name] = {
            imported if imported in OURS else imported.split(".")[0]
            for imported in imported_at_load(path, name)
            if imported in OURS or not imported.startswith("respite_")
        } - {name}
    return graph


GRAPH = import_graph()


def reaches(start: str, target: str) -> list[str] | None:
    """A chain of imports from `start` to `target`, if there is one."""
    seen, stack = {start}, [[start]]
    while stack:
        chain = stack.pop()
        for imported in GRAPH.get(chain[-1], ()):
            if imported == target:
                return [*chain, target]
            if imported not in seen:
                seen.add(imported)
                stack.append([*chain, imported])
    return None


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph.get(node, ()):
            if nxt not in graph:
                continue
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_boundaries_name_modules_that_exist() -> None:
    assert set(OURS) >= HTTP_EDGE
    assert "respite_notifications.consumers.outbox" in CONSUMERS
    assert "respite_retention.erasure" in WITHOUT_HTTP


@pytest.mark.parametrize("module", WITHOUT_HTTP)
def test_no_module_outside_the_http_edge_imports_chalice(module: str) -> None:
    assert reaches(module, "chalice") is None, " -> ".join(reaches(module, "chalice") or [])


@pytest.mark.parametrize("module", CONSUMERS)
def test_a_consumer_runs_without_chalice_loaded(module: str) -> None:
    """Imported as Lambda imports it, in a fresh interpreter: no lazy path brings Chalice in either."""
    probe = f"import importlib, sys; importlib.import_module({module!r}); print('chalice' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_the_kernel_imports_no_cycle() -> None:
    kernel = {name: imports for name, imports in GRAPH.items() if name.startswith("respite_core")}
    assert cycles(kernel) == []


def test_the_openapi_document_is_built_without_the_http_edge() -> None:
    assert reaches("respite_core.openapi", "respite_core.api") is None
    assert "respite_core.openapi" in GRAPH["respite_core.api"]


def test_a_cycle_is_found_when_there_is_one() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
