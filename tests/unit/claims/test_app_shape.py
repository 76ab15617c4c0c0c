"""The claims API's module only declares routes: each a few lines that parse the input, call one
function of the application layer (`respite_claims`) and answer its result. Logic that creeps back
into `services/claims/app.py` fails here, so the shape holds."""

import ast
from pathlib import Path

APP = Path(__file__).parents[3] / "services/claims/app.py"
MAX_LINES = 480
MAX_HANDLER_STATEMENTS = 5  # after the docstring: parse, call, answer (a replay wraps one more)
# the decorators a route may have: `Api.operation` itself, or one of its partial applications
ROUTE_DECORATORS = {"operation", "agency_step", "office_read", "office_write"}


def module() -> ast.Module:
    return ast.parse(APP.read_text(encoding="utf-8"))


def decorator_name(decorator: ast.expr) -> str:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    if isinstance(target, ast.Attribute):
        return target.attr
    return target.id if isinstance(target, ast.Name) else ""


def body_without_docstring(function: ast.FunctionDef) -> list[ast.stmt]:
    body = function.body
    first = body[0] if body else None
    is_doc = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
    return body[1:] if is_doc else body


def test_the_app_stays_short() -> None:
    assert len(APP.read_text(encoding="utf-8").splitlines()) <= MAX_LINES


def test_every_function_of_the_app_is_a_route() -> None:
    functions = [n for n in module().body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    assert functions
    not_routes = [
        f.name for f in functions if not any(decorator_name(d) in ROUTE_DECORATORS for d in f.decorator_list)
    ]
    assert not not_routes, f"not routes: {not_routes} (move them to the application layer)"


def test_the_app_defines_no_classes_and_no_loops() -> None:
    tree = module()
    assert not [n for n in tree.body if isinstance(n, ast.ClassDef)]
    loops = [n for n in ast.walk(tree) if isinstance(n, ast.For | ast.While | ast.Try | ast.With)]
    assert not loops, [ast.unparse(n).splitlines()[0] for n in loops]


def test_each_route_is_a_few_statements() -> None:
    long = {
        f.name: len(body_without_docstring(f))
        for f in module().body
        if isinstance(f, ast.FunctionDef) and len(body_without_docstring(f)) > MAX_HANDLER_STATEMENTS
    }
    assert not long, long


def test_the_shorthand_decorators_are_api_operation() -> None:
    shorthands = {
        target.id: ast.unparse(node.value)
        for node in module().body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name) and target.id in ROUTE_DECORATORS
    }
    assert set(shorthands) == ROUTE_DECORATORS - {"operation"}
    assert all(value.startswith("partial(api.operation,") for value in shorthands.values()), shorthands
