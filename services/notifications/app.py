"""The notifications API: the caseworker's in-app feed."""

from chalice.app import Response
from pydantic import BaseModel

from respite_core.api import Api, Role, caller, json_response
from respite_notifications.feed import FeedItem
from respite_notifications.store import FeedStore

api = Api(
    "notifications",
    title="Respite notifications API",
    description="The caseworker's in-app feed of what happened to the agency's dossiers.",
)
app = api.app


class Feed(BaseModel):
    items: list[FeedItem]


@api.operation(
    "GET",
    "/feed",
    summary="The agency's newest feed items",
    responses={200: Feed},
    roles=(Role.CASEWORKER, Role.AGENCY_ADMIN),
)
def list_feed() -> Response:
    """The newest items of the caller's agency feed (no personal data: dossier ids and what happened)."""
    reader = caller(api.request)
    return json_response(Feed(items=FeedStore().latest(reader.agency_id)))
