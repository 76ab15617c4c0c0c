"""Errors in the caller's language (issue 14, point 13), as every API answers them: in process against
moto (`tests/faults/conftest.py`), the APIs as API Gateway invokes them."""

from tests.faults.conftest import Stage, stage_env

__all__ = ["stage_env"]  # the fixture this module uses

PROBLEM = "application/problem+json"


def test_a_view_s_problem_is_in_the_language_asked_for(stage_env: Stage) -> None:
    apis = stage_env.apis
    status, headers, problem = apis.raw(
        "GET", "/consent/dossiers/01NOSUCHDOSSIER", headers={"accept-language": "en;q=0.3, nl-BE"}
    )
    assert (status, headers["Content-Type"], headers["Content-Language"]) == (404, PROBLEM, "nl")
    assert (problem["title"], problem["detail"]) == (
        "Niet gevonden",
        "Geen dossier met dit id bij uw dienst.",
    )


def test_validation_in_french_keeps_its_field_names(stage_env: Stage) -> None:
    status, headers, problem = stage_env.apis.raw(
        "POST", "/consent/dossiers", {"person": {}}, headers={"accept-language": "fr"}
    )
    assert (status, headers["Content-Language"]) == (422, "fr")
    assert problem["detail"] == "Le corps ne décrit pas une requête valide."
    assert {p["name"] for p in problem["invalid_params"]} >= {"person.national_number", "consent"}


def test_chalice_s_own_errors_and_every_api_speak_the_language_too(stage_env: Stage) -> None:
    apis = stage_env.apis
    status, headers, body = apis.send(
        "POST", "/consent/dossiers", {"content-type": "text/plain", "accept-language": "fr"}, b"x"
    )
    assert (status, headers["Content-Language"]) == (415, "fr")
    assert b"Envoyez le corps en application/json." in body
    status, headers, problem = apis.raw(
        "POST", "/notifications/feed/NOSUCHITEM/read", None, headers={"accept-language": "nl"}
    )
    assert (status, headers["Content-Language"]) == (404, "nl")
    assert problem["detail"] == "Geen zulk item in de feed van uw dienst."


def test_without_accept_language_the_answer_is_english_and_says_so(stage_env: Stage) -> None:
    status, headers, problem = stage_env.apis.raw("GET", "/consent/dossiers/01NOSUCHDOSSIER")
    assert (status, headers["Content-Language"], problem["title"]) == (404, "en", "Not found")
