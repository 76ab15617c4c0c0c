"""The notifications API: the caseworker's in-app feed."""

import os

from chalice.app import Chalice, CognitoUserPoolAuthorizer, Response

from respite_core.api import caller, json_response, problem_responses
from respite_notifications.store import FeedStore

app = Chalice(app_name="respite-notifications")
app.register_middleware(problem_responses, "http")

caseworkers = CognitoUserPoolAuthorizer(
    "caseworkers", provider_arns=[os.environ.get("RESPITE_USER_POOL_CASEWORKERS", "unset")]
)


@app.route("/feed", methods=["GET"], authorizer=caseworkers)
def list_feed() -> Response:
    """The newest items of the caller's agency feed."""
    reader = caller(app.current_request)
    items = FeedStore().latest(reader.agency_id)
    return json_response({"items": [item.model_dump(mode="json") for item in items]})
