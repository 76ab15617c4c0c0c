"""moto's server, with DynamoDB transactions made all-or-nothing as they are in AWS.

moto deep-copies every table a transaction touches (items and stream records: the cost grows with
the table), applies the writes one by one and, when a condition fails, puts the copies back.
Meanwhile its stream already carries records of writes that never happened (a pump can read them),
and a write of another request to the same tables in between is lost. Here every condition is
checked first, under one lock with the writes, and nothing is applied unless all hold — the
behaviour the platform's "nothing half-written" promise relies on. Should a write still fail
half-way (a malformed update), the items touched so far are put back as they were.

moto also answers a Query on a table's key by listing and sorting every item of the table, so
the cost of reading one dossier grew with the number of dossiers. Here such a Query reads only
its partition, as DynamoDB does; queries on an index keep moto's path.

moto shows the mail SES sent only in `/moto-api/data.json`, a dump of every model it holds (every
DynamoDB item included), which takes tens of seconds once a stack has run a while. Here
`/moto-api/ses/sent-mail.json` answers with the raw messages alone.

moto's server answers every origin (a global CORS allow-all), so a browser upload that S3 would
refuse passes; and its answer to a presigned POST carries no CORS headers, so one S3 accepts is
unreadable to the page. Here the bucket's own CORS rules decide, as in S3.

Cognito's API, though, answers browsers of any origin, as in AWS (the web app signs in there).

moto accepts any authenticator code unless told to check them; here it checks them (against its one
fixed TOTP secret, which AssociateSoftwareToken hands every user: in AWS each user gets their own).
"""

import json
import os
import sys
import threading
from typing import Any

from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import TransactionCanceledException
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.dynamo_type import DynamoType, Item
from moto.dynamodb.models.table import Table

from respite_infra.local.moto_process import SENT_MAIL_PATH

_transactions = threading.Lock()
_queried = threading.local()  # the partition a Query on this thread reads, while it runs


def _key_of(backend: DynamoDBBackend, operation: str, request: dict[str, Any]) -> dict[str, Any]:
    if operation != "Put":
        return dict(request["Key"])
    table = backend.get_table(request["TableName"])
    key = {table.hash_key_attr: request["Item"][table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = request["Item"][table.range_key_attr]
    return key


def _failed_conditions(backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> list[Any]:
    """moto's cancellation reasons, one per operation; empty when every condition holds."""
    reasons: list[Any] = []
    for entry in transact_items:
        operation, request = next(iter(entry.items()))
        condition = request.get("ConditionExpression")
        if condition is None:
            reasons.append((None, None, None))
            continue
        current = backend.get_item(request["TableName"], _key_of(backend, operation, request))
        check = get_filter_expression(
            condition, request.get("ExpressionAttributeNames"), request.get("ExpressionAttributeValues")
        )
        if check.expr(current):
            reasons.append((None, None, None))
        else:
            wants_item = request.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
            item = current.to_json()["Attributes"] if wants_item and current is not None else None
            reasons.append(("ConditionalCheckFailed", "The conditional request failed", item))
    return reasons if any(code is not None for code, _, _ in reasons) else []


def _well_formed(backend: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> bool:
    """One operation per entry, one entry per item, at most 100: else moto's own checks answer."""
    if len(transact_items) > 100 or any(len(entry) != 1 for entry in transact_items):
        return False
    targets = set()
    for entry in transact_items:
        operation, request = next(iter(entry.items()))
        if operation not in ("Put", "Delete", "Update", "ConditionCheck"):
            return False
        targets.add((request["TableName"], repr(sorted(_key_of(backend, operation, request).items()))))
    return len(targets) == len(transact_items)


def _apply(backend: DynamoDBBackend, operation: str, request: dict[str, Any]) -> None:
    table = request["TableName"]
    names, values = request.get("ExpressionAttributeNames"), request.get("ExpressionAttributeValues")
    if operation == "Put":
        backend.put_item(table, request["Item"])
    elif operation == "Delete":
        backend.delete_item(table, request["Key"])
    elif operation == "Update":
        backend.update_item(table, request["Key"], request["UpdateExpression"], names or {}, values or {})


def _restore(backend: DynamoDBBackend, table: str, key: dict[str, Any], before: Any) -> None:
    if before is None:
        backend.delete_item(table, key)
    else:
        backend.put_item(table, before.to_json()["Attributes"])


def make_transactions_atomic() -> None:
    moto_transaction = DynamoDBBackend.transact_write_items

    def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        with _transactions:
            if not _well_formed(self, transact_items):
                moto_transaction(self, transact_items)
                return
            failed = _failed_conditions(self, transact_items)
            if failed:
                raise TransactionCanceledException(failed)
            touched: list[tuple[str, dict[str, Any], Any]] = []
            try:
                for entry in transact_items:
                    operation, request = next(iter(entry.items()))
                    key = _key_of(self, operation, request)
                    touched.append((request["TableName"], key, self.get_item(request["TableName"], key)))
                    _apply(self, operation, request)
            except Exception:
                for table, key, before in reversed(touched):
                    _restore(self, table, key, before)
                raise

    DynamoDBBackend.transact_write_items = transact_write_items  # type: ignore[method-assign]


def make_queries_read_one_partition() -> None:
    moto_query, moto_all_items = Table.query, Table.all_items

    def all_items(self: Table) -> list[Item]:
        partition: DynamoType | None = getattr(_queried, "partition", None)
        if partition is None:
            return moto_all_items(self)
        items = self.items.get(partition)  # .get: the table's items are a defaultdict
        if items is None:
            return []
        if not self.range_key_attr:
            return [items]  # type: ignore[list-item]  # a hash-only table keeps one item per key
        return sorted(items.values(), key=lambda item: item.range_key)

    def query(self: Table, hash_key: DynamoType | None, *args: Any, **kwargs: Any) -> Any:
        index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
        if index_name or hash_key is None:
            return moto_query(self, hash_key, *args, **kwargs)
        _queried.partition = hash_key
        try:
            return moto_query(self, hash_key, *args, **kwargs)
        finally:
            _queried.partition = None

    Table.all_items = all_items  # type: ignore[method-assign]
    Table.query = query  # type: ignore[method-assign]


def sent_mail(request: Any, full_url: str, headers: Any) -> tuple[int, dict[str, str], str]:
    """Every raw message SES took, in the order sent (moto tracks its model instances)."""
    from moto.core.model_instances import model_data

    sent = model_data.get("ses", {}).get("RawMessage")
    instances = list(sent.instances_tracked) if sent is not None else []  # type: ignore[attr-defined]
    body = [{"source": m.source, "destinations": m.destinations, "raw_data": m.raw_data} for m in instances]
    return 200, {"Content-Type": "application/json"}, json.dumps(body)


def serve_sent_mail() -> None:
    from moto.moto_api._internal import urls

    urls.url_paths["{0}" + SENT_MAIL_PATH] = sent_mail


def answer_posts_by_bucket_cors() -> None:
    """Global CORS off (read when moto's server app is made), and a presigned POST's answer carries
    the headers of the bucket's matching CORS rule, as S3's does."""
    from moto.moto_server import werkzeug_app
    from moto.s3.responses import S3Response

    werkzeug_app.DISABLE_GLOBAL_CORS = True  # type: ignore[attr-defined]
    moto_post = S3Response._bucket_response_post

    def post(self: S3Response, request: Any, bucket_name: str) -> Any:
        status, headers, body = moto_post(self, request, bucket_name)
        return status, {**self._get_cors_headers_other(), **headers}, body

    S3Response._bucket_response_post = post  # type: ignore[method-assign]


COGNITO_TARGETS = "AWSCognitoIdentityProviderService."


def answer_browsers_at_cognito() -> None:
    """With the global CORS off, Cognito's user-pool API still answers a browser of any origin, as in
    AWS, where the web app calls InitiateAuth and the other steps of signing in itself. Its preflight
    names `x-amz-target` (the operation travels in that header), which no S3 request does."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication

    dispatch = DomainDispatcherApplication.__call__

    def call(self: DomainDispatcherApplication, environ: dict[str, Any], start_response: Any) -> Any:
        asked = str(environ.get("HTTP_ACCESS_CONTROL_REQUEST_HEADERS", "")).lower()
        if environ.get("REQUEST_METHOD") == "OPTIONS" and "x-amz-target" in asked:
            allow = [
                ("Access-Control-Allow-Origin", "*"),
                ("Access-Control-Allow-Methods", "POST"),
                ("Access-Control-Allow-Headers", asked),
                ("Access-Control-Max-Age", "86400"),
                ("Content-Length", "0"),
            ]
            start_response("200 OK", allow)
            return [b""]
        if not str(environ.get("HTTP_X_AMZ_TARGET", "")).startswith(COGNITO_TARGETS):
            return dispatch(self, environ, start_response)

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            return start_response(status, [*headers, ("Access-Control-Allow-Origin", "*")], exc_info)

        return dispatch(self, environ, start)

    DomainDispatcherApplication.__call__ = call  # type: ignore[method-assign]


def main() -> None:
    answer_posts_by_bucket_cors()
    answer_browsers_at_cognito()
    os.environ["MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP"] = "true"  # a wrong code is refused, as in AWS
    make_transactions_atomic()
    make_queries_read_one_partition()
    serve_sent_mail()
    from moto.server import main as serve

    serve(sys.argv[1:])


if __name__ == "__main__":
    main()
