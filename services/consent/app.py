"""The consent API: what a caseworker's front end calls (behind API Gateway and Cognito)."""

import os

from chalice.app import Chalice, CognitoUserPoolAuthorizer, Response

from respite_consent.models import DossierRegistered, RegisterDossier
from respite_consent.registration import ConsentNotProven, open_dossier
from respite_consent.store import AlreadyRegistered, DossierStore
from respite_core.api import Problem, caller, json_response, parse_body, problem_responses
from respite_core.ids import new_id, utc_now

app = Chalice(app_name="respite-consent")
app.register_middleware(problem_responses, "http")

caseworkers = CognitoUserPoolAuthorizer(
    "caseworkers", provider_arns=[os.environ.get("RESPITE_USER_POOL_CASEWORKERS", "unset")]
)


@app.route("/dossiers", methods=["POST"], authorizer=caseworkers, content_types=["application/json"])
def register_dossier() -> Response:
    """Register a person with their consent; their dossier opens."""
    request = app.current_request
    registering = caller(request)
    command = parse_body(request, RegisterDossier)
    try:
        new = open_dossier(command, registering, dossier_id=new_id(), now=utc_now())
    except ConsentNotProven as error:
        raise Problem(422, str(error), kind="consent-not-proven") from None
    try:
        DossierStore().register(new)
    except AlreadyRegistered as existing:
        raise Problem(
            409,
            "This person already has a dossier at your agency.",
            kind="already-registered",
            extra={"dossier_id": existing.dossier_id, "dossier": f"/consent/dossiers/{existing.dossier_id}"},
        ) from None
    dossier = new.dossier
    registered = DossierRegistered(
        dossier_id=dossier.dossier_id,
        agency_id=dossier.agency_id,
        state=dossier.state,
        opened_at=dossier.opened_at,
    )
    return json_response(registered, 201, Location=f"/consent/dossiers/{dossier.dossier_id}")
