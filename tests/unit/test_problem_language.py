"""Problems in the caller's language (issue 14, point 13): `Accept-Language` negotiated, one catalogue."""

import ast
import json
from pathlib import Path

import pytest

from respite_core.api import InvalidParam, Problem
from respite_core.domain import Language
from respite_core.problem_language import TITLES, detail_in, preferred_language

SERVICES = Path(__file__).parents[2] / "services"


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, Language.EN),
        ("", Language.EN),
        ("nl", Language.NL),
        ("nl-BE", Language.NL),
        ("FR-be", Language.FR),
        ("de, fr;q=0.4, nl;q=0.6", Language.NL),  # weights, not order
        ("fr;q=0.5, nl;q=0.5", Language.FR),  # equal weights: the order given
        ("nl;q=0, fr;q=0.1", Language.FR),  # q=0: not this one
        ("de, it", Language.EN),  # nothing we have
        ("de, *;q=0.5, fr;q=0.4", Language.EN),  # anything (ours: English) before French
        ("fr;q=abc, nl;q=0.2", Language.NL),  # a malformed weight counts as 0
        ("fr;q=2, nl;q=0.2", Language.NL),  # as does one above 1
        (" nl ; q=0.9 ,en;q=0.8", Language.NL),
    ],
)
def test_the_callers_language_is_negotiated(header: str | None, language: Language) -> None:
    assert preferred_language(header) is language


def answer(problem: Problem, accept_language: str | None) -> tuple[dict[str, str], dict[str, object]]:
    response = problem.response(accept_language)
    return {name: str(value) for name, value in response.headers.items()}, json.loads(str(response.body))


def test_a_problem_is_answered_in_the_language_asked_for() -> None:
    headers, body = answer(Problem(404, "No dossier with this id at your agency."), "fr-BE, nl;q=0.5")
    assert body["title"] == "Introuvable"
    assert body["detail"] == "Aucun dossier avec cet id dans votre service."
    assert headers["Content-Language"] == "fr"
    assert headers["Vary"] == "Accept-Language"
    assert body["type"] == "https://respite.example/problems/not-found"  # the kind stays


def test_english_is_the_default() -> None:
    headers, body = answer(Problem(409, "This request is answered already.", kind="answered"), None)
    assert (body["title"], body["detail"]) == ("Conflict", "This request is answered already.")
    assert headers["Content-Language"] == "en"


def test_what_a_template_names_is_kept_as_it_is() -> None:
    _, body = answer(Problem(422, "Unknown offices: lambert, vanhove."), "nl")
    assert body["detail"] == "Onbekende kantoren: lambert, vanhove."
    assert detail_in("event 'notices_sent' is not allowed in dossier state 'closed'", Language.FR) == (
        "l'événement 'notices_sent' n'est pas permis dans l'état de dossier 'closed'"
    )


def test_a_detail_the_catalogue_lacks_leaves_the_whole_problem_in_english() -> None:
    headers, body = answer(Problem(409, "Something nobody translated."), "nl")
    assert (body["title"], body["detail"]) == ("Conflict", "Something nobody translated.")
    assert headers["Content-Language"] == "en"


def test_field_names_and_extras_stay_as_they_are() -> None:
    problem = Problem(
        422,
        "The body does not describe a valid request.",
        kind="validation",
        invalid_params=[InvalidParam("person.birth_date", "Input should be a valid date")],
        extra={"dossier_id": "D1"},
        headers={"Retry-After": "5"},
    )
    headers, body = answer(problem, "nl")
    assert body["detail"] == "De inhoud beschrijft geen geldig verzoek."
    assert body["invalid_params"] == [{"name": "person.birth_date", "reason": "Input should be a valid date"}]
    assert body["dossier_id"] == "D1"
    assert headers["Retry-After"] == "5"


def test_every_status_has_a_title_in_every_language() -> None:
    for wording in TITLES.values():
        assert all(wording.is_in(language) for language in Language)
    assert len({TITLES[404].is_in(language) for language in Language}) == len(Language)


def raised_details() -> list[str]:
    """Every detail a `Problem(...)` of the services is raised with as written (a literal, an f-string
    with each value as "x", or a module constant); details from an exception's text are not here."""
    found = []
    for path in sorted(SERVICES.rglob("*.py")):
        tree = ast.parse(path.read_text())
        constants = {
            target.id: node.value.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
            for target in node.targets
            if isinstance(target, ast.Name) and isinstance(node.value.value, str)
        }
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "Problem"
                and len(node.args) > 1
            ):
                continue
            detail = node.args[1]
            if isinstance(detail, ast.Constant) and isinstance(detail.value, str):
                found.append(detail.value)
            elif isinstance(detail, ast.JoinedStr):
                found.append(
                    "".join(str(v.value) if isinstance(v, ast.Constant) else "x" for v in detail.values)
                )
            elif isinstance(detail, ast.Name) and detail.id in constants:
                found.append(constants[detail.id])
    return found


def test_every_detail_the_services_raise_is_in_the_catalogue() -> None:
    details = raised_details()
    assert len(details) > 50  # the scan finds them
    missing = sorted(
        {d for d in details if detail_in(d, Language.NL) is None or detail_in(d, Language.FR) is None}
    )
    assert missing == []
