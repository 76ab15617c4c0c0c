"""The notifications API: the caseworker's in-app feed."""

from itertools import islice

from chalice.app import Response
from pydantic import BaseModel, ConfigDict, Field

from respite_core.api import Api, Problem, caller, json_response, query_params
from respite_core.callers import Role
from respite_core.store.listing import InvalidCursor
from respite_notifications import contact_admin, link_page, webhook_admin
from respite_notifications.feed import FeedItem
from respite_notifications.store import FeedStore

api = Api(
    "notifications",
    title="Respite notifications API",
    description="The caseworker's in-app feed of what happened to the agency's dossiers.",
)
app = api.app
webhook_admin.register(api)
contact_admin.register(api)  # operators: office addresses that bounced or complained
link_page.register(api)  # the page an office opens from its email: /r/<token>

AGENCY_STAFF = (Role.CASEWORKER, Role.AGENCY_ADMIN)


class FeedQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)

    limit: int = Field(default=50, ge=1, le=200)
    cursor: str | None = Field(default=None, max_length=2000)
    unread_only: bool = False


class Feed(BaseModel):
    items: list[FeedItem]
    unread: int
    next_cursor: str | None = None


class MarkedRead(BaseModel):
    item_id: str
    read: bool
    unread: int


@api.operation(
    "GET",
    "/feed",
    summary="The agency's feed, newest first",
    query=FeedQuery,
    responses={200: Feed},
    problems=(422,),
    roles=AGENCY_STAFF,
)
def list_feed() -> Response:
    """What happened to the agency's dossiers (no personal data: dossier ids and what happened), with the
    number of unread items."""
    reader = caller(api.request)
    wanted = query_params(api.request, FeedQuery)
    store = FeedStore()
    try:
        listed = store.listing(reader.agency_id, wanted.cursor)
        matching = ((item, cursor) for item, cursor in listed if not (wanted.unread_only and item.read))
        found = list(islice(matching, wanted.limit + 1))
    except InvalidCursor as error:
        raise Problem(400, str(error), kind="invalid-cursor") from None
    page = found[: wanted.limit]
    more = len(found) > wanted.limit
    body = Feed(
        items=[item for item, _ in page],
        unread=store.unread(reader.agency_id),
        next_cursor=page[-1][1] if more and page else None,
    )
    return json_response(body)


@api.operation(
    "POST",
    "/feed/{item_id}/read",
    summary="Mark a feed item read",
    responses={200: MarkedRead},
    problems=(404,),
    roles=AGENCY_STAFF,
    idempotent=True,
)
def mark_read(item_id: str) -> Response:
    reader = caller(api.request)
    store = FeedStore()
    try:
        store.mark_read(reader.agency_id, item_id)
    except KeyError:
        raise Problem(404, "No such item in your agency's feed.") from None
    return json_response(MarkedRead(item_id=item_id, read=True, unread=store.unread(reader.agency_id)))
