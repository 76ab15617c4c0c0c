"""Operators' view of an office's webhooks: failed deliveries, redelivery, the endpoint enabled again.

`register(api)` adds the routes to the notifications API (operators only; no personal data in any
answer: ids, types, statuses, outcomes and times):

- `GET  /webhooks/{office_id}/deliveries?status=failed` — the endpoint's state and the deliveries
  with that status (default `failed`: the schedule was exhausted and the job is in the DLQ);
- `POST /webhooks/{office_id}/deliveries/{webhook_id}/redelivery` — a new round of the retry
  schedule (202). Idempotent: while the delivery is in flight a second request changes nothing;
- `POST /webhooks/{office_id}/endpoint/enable` — after a `410 Gone` disabled it. Idempotent.
"""

from datetime import datetime
from typing import Any, Literal

from chalice.app import Response
from pydantic import BaseModel, ConfigDict, Field

from respite_core.api import Api, Problem, caller, json_response, query_params
from respite_core.callers import Role
from respite_core.ids import parse_iso, utc_now
from respite_core.store.directory import Directory
from respite_core.store.items import Item
from respite_notifications.webhooks import service
from respite_notifications.webhooks.store import Status, WebhookStore


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DeliveriesQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)

    status: Literal["failed", "gone", "skipped", "cancelled", "pending", "sending", "delivered", "all"] = (
        "failed"
    )
    limit: int = Field(default=50, ge=1, le=200)


class EndpointState(_Answer):
    office_id: str
    has_url: bool
    disabled: bool
    disabled_at: datetime | None = None
    disabled_reason: str | None = None
    enabled_at: datetime | None = None


class WebhookDelivery(_Answer):
    webhook_id: str
    office_id: str
    agency_id: str
    dossier_id: str
    message_id: str
    message_type: str
    status: Status
    round: int = Field(description="0, then one more per redelivery")
    attempt: int = Field(description="the retry schedule's step of this round (1 to 9)")
    total_attempts: int
    last_outcome: str | None = Field(default=None, description='"http_503", "timeout", "unsafe_endpoint" ...')
    last_status_code: int | None = None
    created_at: datetime
    next_attempt_at: datetime | None = None
    delivered_at: datetime | None = None
    failed_at: datetime | None = None


class WebhookDeliveries(_Answer):
    endpoint: EndpointState
    deliveries: list[WebhookDelivery]


def _time(value: Any) -> datetime | None:
    return parse_iso(str(value)) if value else None


def delivery_view(item: Item) -> WebhookDelivery:
    return WebhookDelivery(
        webhook_id=str(item["webhook_id"]),
        office_id=str(item["office_id"]),
        agency_id=str(item["agency_id"]),
        dossier_id=str(item["dossier_id"]),
        message_id=str(item["message_id"]),
        message_type=str(item["message_type"]),
        status=Status(item["status"]),
        round=int(item.get("round", 0)),
        attempt=int(item.get("attempt", 0)),
        total_attempts=int(item.get("total_attempts", 0)),
        last_outcome=item.get("last_outcome"),
        last_status_code=item.get("last_status_code"),
        created_at=parse_iso(str(item["created_at"])),
        next_attempt_at=_time(item.get("next_attempt_at")),
        delivered_at=_time(item.get("delivered_at")),
        failed_at=_time(item.get("failed_at")),
    )


def endpoint_view(office_id: str, has_url: bool, state: Item | None) -> EndpointState:
    state = state or {}
    return EndpointState(
        office_id=office_id,
        has_url=has_url,
        disabled=bool(state.get("disabled")),
        disabled_at=_time(state.get("disabled_at")) if state.get("disabled") else None,
        disabled_reason=state.get("disabled_reason") if state.get("disabled") else None,
        enabled_at=_time(state.get("enabled_at")),
    )


def _office_has_url(office_id: str) -> bool:
    office = Directory().office(office_id)
    if office is None:
        raise Problem(404, "No such office.")
    return office.webhook_url is not None


def register(api: Api) -> None:
    """Add the operators' webhook routes to `api`."""

    @api.operation(
        "GET",
        "/webhooks/{office_id}/deliveries",
        summary="An office's webhook deliveries (default: the failed ones)",
        query=DeliveriesQuery,
        responses={200: WebhookDeliveries},
        problems=(404, 422),
        roles=(Role.OPERATOR,),
    )
    def list_webhook_deliveries(office_id: str) -> Response:
        """Newest first. `failed`: the retry schedule (about 3 days) was exhausted, or the endpoint is
        unsafe or has no secret; the job is in the DLQ. `gone`: the endpoint answered 410 and was
        disabled. `skipped`: not sent while the endpoint was disabled. No personal data: ids only."""
        caller(api.request)
        wanted = query_params(api.request, DeliveriesQuery)
        has_url = _office_has_url(office_id)
        store = WebhookStore()
        items = store.deliveries(office_id)
        chosen = [i for i in items if wanted.status == "all" or i.get("status") == wanted.status]
        body = WebhookDeliveries(
            endpoint=endpoint_view(office_id, has_url, store.endpoint(office_id)),
            deliveries=[delivery_view(i) for i in chosen[: wanted.limit]],
        )
        return json_response(body)

    @api.operation(
        "POST",
        "/webhooks/{office_id}/deliveries/{webhook_id}/redelivery",
        summary="Deliver a webhook again",
        responses={202: WebhookDelivery},
        problems=(404, 409),
        roles=(Role.OPERATOR,),
        idempotent=True,
    )
    def redeliver_webhook(office_id: str, webhook_id: str) -> Response:
        """Starts a new round of the retry schedule for a failed, gone, skipped or delivered delivery
        (the same `webhook-id`, so the office's system can tell a repeat). While the delivery is in
        flight nothing changes. 409 when the office's endpoint is disabled (enable it first) or the
        message no longer exists."""
        caller(api.request)
        _office_has_url(office_id)
        try:
            item = service.redeliver(office_id, webhook_id, now=utc_now())
        except service.NoSuchDelivery:
            raise Problem(404, "No such webhook delivery.") from None
        except service.EndpointUnavailable:
            detail = "The office's webhook endpoint is disabled or missing: enable it first."
            raise Problem(409, detail, kind="endpoint-disabled") from None
        except service.MessageErased:
            raise Problem(409, "The message no longer exists.", kind="message-erased") from None
        return json_response(delivery_view(item), 202)

    @api.operation(
        "POST",
        "/webhooks/{office_id}/endpoint/enable",
        summary="Enable an office's webhook endpoint again",
        responses={200: EndpointState},
        problems=(404,),
        roles=(Role.OPERATOR,),
        idempotent=True,
    )
    def enable_webhook_endpoint(office_id: str) -> Response:
        """After a `410 Gone` the endpoint receives nothing until an operator enables it. Deliveries
        skipped meanwhile are listed with `status=skipped` and can be redelivered one by one."""
        caller(api.request)
        has_url = _office_has_url(office_id)
        service.enable_endpoint(office_id, now=utc_now())
        return json_response(endpoint_view(office_id, has_url, WebhookStore().endpoint(office_id)))
