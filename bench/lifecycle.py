"""Calls per business operation, and what a dossier's whole lifecycle costs on AWS.

    .venv/bin/python bench/lifecycle.py [--creditors 14 40]

Runs the local stack in this process and drives it over HTTP as an agency and its creditors' office
systems would: register, view, notices, the offices' inbox and acknowledgement, claims, balance,
proposal, accepts, settlement, withdrawal. Each operation's AWS calls are counted on the services'
clients (the API handler and every consumer the operation sets off, until the consumers are quiet),
with the Lambda invocations it causes. The cost of a lifecycle is those counts priced at the AWS list
prices below (dated; region eu-west-1). What is not per dossier (idle cost, the schedules, storage at
rest) is left out and said so.
"""

import argparse
import math
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import requests
from support import AwsCall, AwsCalls, be_company_number, by_name, claim, claims_csv, item_bytes, registration

from respite_infra.catalogue import CATALOGUE
from respite_infra.local.moto_process import free_port
from respite_infra.local.seed import DEMO_PASSWORD
from respite_infra.local.stack import LocalStack, Settings

SCHEDULER = "scheduler"  # the schedules' thread: its sweeps are not any operation's doing
CASEWORKER = "anna@ocmw-gent.example"
OPERATOR = "olga@respite.example"
QUIET_S = 1.5  # no consumer invocation and no counted call for this long: the operation is done
SETTLE_BUDGET_S = 120
VIEWS_PER_LIFECYCLE = 20  # a caseworker opens the dossier about this often over its months (estimate)
INTAKE_SIZES = (14, 100)  # claims in one reply (API) and in one CSV upload


@dataclass(frozen=True)
class Prices:
    """AWS list prices, eu-west-1 (Ireland), on-demand, as published on 2026-11-01. Update the date
    with the figures; the benchmark prints both."""

    published: str = "2026-11-01"
    region: str = "eu-west-1"
    dynamodb_write_unit: float = 0.7068 / 1e6  # on-demand write request unit (1 KB)
    dynamodb_read_unit: float = 0.1413 / 1e6  # on-demand read request unit (4 KB strongly consistent)
    lambda_request: float = 0.20 / 1e6
    lambda_gb_second_arm: float = 0.0000133334
    api_gateway_rest_request: float = 3.50 / 1e6
    kms_request: float = 0.03 / 1e4
    sqs_request: float = 0.40 / 1e6
    ses_email: float = 0.10 / 1e3
    s3_write_request: float = 0.005 / 1e3  # PUT, COPY, POST, LIST
    s3_read_request: float = 0.0004 / 1e3  # GET and the rest
    secrets_request: float = 0.05 / 1e4


PRICES = Prices()


@dataclass
class Operation:
    name: str
    calls: list[AwsCall] = field(default_factory=list)
    api_requests: int = 0  # each is one API Gateway request and one Lambda invocation
    invocations: Counter[str] = field(default_factory=Counter)  # consumer function -> invocations
    consumer_seconds: float = 0.0  # the consumers' handler time, measured here
    api_seconds: float = 0.0  # the API's request time, measured here (an upper bound on the handler's)

    def count(self, prefix: str) -> int:
        return sum(n for name, n in by_name(self.calls).items() if name.startswith(prefix))

    def times(self, n: int) -> "Operation":
        """This operation done n times (views over a lifecycle)."""
        return Operation(
            self.name,
            self.calls * n,
            self.api_requests * n,
            Counter({k: v * n for k, v in self.invocations.items()}),
            self.consumer_seconds * n,
            self.api_seconds * n,
        )


# --- pricing ---------------------------------------------------------------------------------------------


def write_units(call: AwsCall) -> float:
    """DynamoDB write request units: 1 per KB written, transactions twice (AWS's rules). An update or
    a delete is counted as one unit (the item's size is not in the request)."""
    params = call.params
    match call.name:
        case "dynamodb:PutItem":
            return kilobytes(params["Item"])
        case "dynamodb:UpdateItem" | "dynamodb:DeleteItem":
            return 1
        case "dynamodb:BatchWriteItem":
            return sum(
                kilobytes(request["PutRequest"]["Item"]) if "PutRequest" in request else 1
                for requests_ in params["RequestItems"].values()
                for request in requests_
            )
        case "dynamodb:TransactWriteItems":
            return 2 * sum(
                kilobytes(entry["Put"]["Item"]) if "Put" in entry else 1 for entry in params["TransactItems"]
            )
    return 0


def read_units(call: AwsCall) -> float:
    """DynamoDB read request units: per 4 KB returned, half for eventually consistent reads."""
    factor = 1.0 if call.params.get("ConsistentRead") else 0.5
    items: list[dict[str, Any]]
    match call.name:
        case "dynamodb:GetItem":
            items = [call.answer.get("Item", {})]
        case "dynamodb:Query" | "dynamodb:Scan":
            items = list(call.answer.get("Items", []))
        case "dynamodb:BatchGetItem":
            items = [i for found in call.answer.get("Responses", {}).values() for i in found]
        case "dynamodb:TransactGetItems":
            factor, items = 2.0, [r.get("Item", {}) for r in call.answer.get("Responses", [])]
        case _:
            return 0
    return factor * max(1, math.ceil(sum(item_bytes(i) for i in items) / 4096))


def kilobytes(item: dict[str, Any]) -> int:
    return max(1, math.ceil(item_bytes(item) / 1024))


@dataclass
class Cost:
    lines: dict[str, tuple[float, float]]  # what -> (quantity, dollars)

    @property
    def dollars(self) -> float:
        return sum(d for _, d in self.lines.values())


def cost(operations: Sequence[Operation], memory_mb: int, prices: Prices = PRICES) -> Cost:
    calls = [c for o in operations for c in o.calls]
    names = by_name(calls)

    def of(prefix: str) -> int:
        return sum(n for name, n in names.items() if name.startswith(prefix))

    writes, reads = sum(write_units(c) for c in calls), sum(read_units(c) for c in calls)
    api = sum(o.api_requests for o in operations)
    invocations = api + sum(sum(o.invocations.values()) for o in operations)
    seconds = sum(o.api_seconds + o.consumer_seconds for o in operations)
    gb_seconds = seconds * memory_mb / 1024
    sqs_consumed = sum(
        n for o in operations for function, n in o.invocations.items() if function in _sqs_consumers()
    )
    sqs = of("sqs:Send") + 2 * sqs_consumed  # the event source mapping receives and deletes each batch
    s3_writes = sum(names[f"s3:{op}"] for op in ("PutObject", "CopyObject", "DeleteObject", "ListObjectsV2"))
    emails = names["sesv2:SendEmail"] + names["ses:SendEmail"] + names["ses:SendRawEmail"]
    lines = {
        "DynamoDB write units": (writes, writes * prices.dynamodb_write_unit),
        "DynamoDB read units": (reads, reads * prices.dynamodb_read_unit),
        "API Gateway requests": (api, api * prices.api_gateway_rest_request),
        "Lambda invocations": (invocations, invocations * prices.lambda_request),
        "Lambda GB-seconds (local timing)": (gb_seconds, gb_seconds * prices.lambda_gb_second_arm),
        "KMS requests": (of("kms:"), of("kms:") * prices.kms_request),
        "SQS requests": (sqs, sqs * prices.sqs_request),
        "SES emails": (emails, emails * prices.ses_email),
        "S3 requests (write / read)": (
            of("s3:"),
            s3_writes * prices.s3_write_request + (of("s3:") - s3_writes) * prices.s3_read_request,
        ),
        "Secrets Manager requests": (of("secretsmanager:"), of("secretsmanager:") * prices.secrets_request),
    }
    return Cost(lines)


def _sqs_consumers() -> set[str]:
    return {c.function.name for c in CATALOGUE.queue_consumers}


# --- driving the local stack -------------------------------------------------------------------------------


class Platform:
    """The local stack, its HTTP API and the counters around it."""

    def __init__(self, stack: LocalStack, calls: AwsCalls) -> None:
        self.stack = stack
        self.calls = calls
        self.base = f"http://127.0.0.1:{stack.settings.port}"
        self.invocations: Counter[str] = Counter()
        self.consumer_seconds = 0.0
        self.api_requests = 0
        self.api_seconds = 0.0
        self._lock = threading.Lock()
        for pump in stack.pumps:
            self._count_invocations(pump)
        self.agency = self.signed_in(CASEWORKER)
        self.operator = self.signed_in(OPERATOR)

    def _count_invocations(self, pump: Any) -> None:
        """Instrumentation only: each consumer's handler, timed and counted, as Lambda bills it."""
        handler, function = pump._handler, pump.name
        function = function.removeprefix("sqs-pump-").removeprefix("stream-pump-")

        def counted(event: Any, context: Any) -> Any:
            started = time.perf_counter()
            try:
                return handler(event, context)
            finally:
                with self._lock:
                    self.invocations[function] += 1
                    self.consumer_seconds += time.perf_counter() - started

        pump._handler = counted

    def signed_in(self, username: str) -> requests.Session:
        token = requests.post(
            f"{self.base}/local/sign-in", json={"username": username, "password": DEMO_PASSWORD}, timeout=30
        ).json()["id_token"]
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        return session

    def office_session(self, client_id: str, client_secret: str) -> requests.Session:
        token = requests.post(
            f"{self.base}/oauth2/token",
            data={"grant_type": "client_credentials"},
            auth=(client_id, client_secret),
            timeout=30,
        ).json()["access_token"]
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        return session

    def call(self, session: requests.Session, method: str, path: str, **kwargs: Any) -> Any:
        started = time.perf_counter()
        response = session.request(method, f"{self.base}{path}", timeout=60, **kwargs)
        with self._lock:
            self.api_requests += 1
            self.api_seconds += time.perf_counter() - started
        if response.status_code >= 300:
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.text[:300]}")
        return response.json() if response.content else None

    def quiet(self) -> None:
        """Until no consumer has run and no call was counted for QUIET_S."""
        deadline = time.monotonic() + SETTLE_BUDGET_S
        last, since = self._activity(), time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.1)
            now = self._activity()
            if now != last:
                last, since = now, time.monotonic()
            elif time.monotonic() - since >= QUIET_S:
                return
        raise TimeoutError(f"the consumers did not settle within {SETTLE_BUDGET_S} s")

    def _activity(self) -> tuple[int, int]:
        with self._lock:
            return sum(self.invocations.values()), self.calls.count()

    @contextmanager
    def measured(self, name: str, into: list[Operation]) -> Iterator[None]:
        """The operation's calls: those of its requests and of every consumer they set off."""
        self.quiet()
        self.calls.take()
        with self._lock:
            invocations, consumer_s = Counter(self.invocations), self.consumer_seconds
            requests_, api_s = self.api_requests, self.api_seconds
        yield
        self.quiet()
        with self._lock:
            operation = Operation(
                name,
                [c for c in self.calls.take() if c.thread != SCHEDULER],
                self.api_requests - requests_,
                self.invocations - invocations,
                self.consumer_seconds - consumer_s,
                self.api_seconds - api_s,
            )
        into.append(operation)


@dataclass
class OfficeSystem:
    office_id: str
    session: requests.Session


def register_offices(platform: Platform, n: int, first: int) -> list[OfficeSystem]:
    offices = []
    for serial in range(first, first + n):
        office_id = f"bench-office-{serial:03d}"
        body = {
            "office": {
                "office_id": office_id,
                "name": f"Bench office {serial}",
                "kind": "bailiff",
                "country": "BE",
                "registration_number": be_company_number(serial),
                "language": "nl",
                "contact_emails": [f"office{serial}@bench.example"],
            }
        }
        credentials = platform.call(platform.operator, "POST", "/claims/offices", json=body)
        offices.append(
            OfficeSystem(
                office_id, platform.office_session(credentials["client_id"], credentials["client_secret"])
            )
        )
    return offices


def lifecycle(platform: Platform, offices: list[OfficeSystem], index: int) -> list[Operation]:
    """One dossier from registration to withdrawal, each creditor holding one claim."""
    agency, done = platform.agency, list[Operation]()
    claims_path = "/claims/dossiers/{}"
    ids = [o.office_id for o in offices]

    def inbox_message(office: OfficeSystem, dossier_id: str, type_: str) -> str:
        messages = platform.call(office.session, "GET", "/claims/inbox", params={"limit": 100})["messages"]
        return str(
            next(m["message_id"] for m in messages if m["dossier_id"] == dossier_id and m["type"] == type_)
        )

    def each_office_replies(dossier_id: str, type_: str, body: Callable[[int], dict[str, Any]]) -> None:
        for k, office in enumerate(offices):
            message_id = inbox_message(office, dossier_id, type_)
            platform.call(
                office.session, "POST", f"/claims/dossiers/{dossier_id}/messages/{message_id}/acknowledgement"
            )
            path = f"/claims/dossiers/{dossier_id}/messages/{message_id}/replies"
            platform.call(office.session, "POST", path, json=body(k))

    with platform.measured("register", done):
        dossier_id = platform.call(
            agency, "POST", "/consent/dossiers", json=registration(index, "Lifecycle")
        )["dossier_id"]
    dossier = claims_path.format(dossier_id)
    with platform.measured("dossier view", done):
        platform.call(agency, "GET", f"/consent/dossiers/{dossier_id}")
    with platform.measured(f"notices to {len(offices)} offices", done):
        platform.call(agency, "POST", f"{dossier}/notices", json={"office_ids": ids})
    with platform.measured(f"{len(offices)} offices: inbox, ack, claim", done):
        each_office_replies(
            dossier_id, "notice", lambda k: {"type": "notice_ack", "claims": [claim(index, k)]}
        )
    with platform.measured(f"balance requests to {len(offices)}", done):
        platform.call(agency, "POST", f"{dossier}/balance-requests", json={"office_ids": ids})
    with platform.measured(f"{len(offices)} offices: inbox, ack, balance", done):
        each_office_replies(dossier_id, "balance_request", lambda k: {"type": "balance_reply_preapproved"})
    with platform.measured(f"proposal to {len(offices)} creditors", done):
        platform.call(
            agency, "POST", f"{dossier}/proposals", json={"kind": "instalments", "monthly_capacity": 25_000}
        )
    with platform.measured(f"{len(offices)} offices: inbox, ack, accept", done):
        each_office_replies(dossier_id, "proposal", lambda k: {"type": "proposal_accept"})
    with platform.measured("settlement", done):
        platform.call(agency, "POST", f"{dossier}/settlement")
    with platform.measured("withdrawal (erasure)", done):
        platform.call(agency, "POST", f"/consent/dossiers/{dossier_id}/consent/withdrawal")
    return done


def intake(platform: Platform, office: OfficeSystem, index: int, n: int, csv: bool) -> Operation:
    """One office's reply carrying n claims, by API (JSON) or as a CSV upload."""
    agency, done = platform.agency, list[Operation]()
    dossier_id = platform.call(agency, "POST", "/consent/dossiers", json=registration(index, "Intake"))[
        "dossier_id"
    ]
    sent = platform.call(
        agency, "POST", f"/claims/dossiers/{dossier_id}/notices", json={"office_ids": [office.office_id]}
    )
    path = f"/claims/dossiers/{dossier_id}/messages/{sent['messages'][0]['message_id']}"
    claims = [claim(index, k) for k in range(n)]
    name = f"claim intake, {n} claims by {'CSV upload' if csv else 'API reply'}"
    with platform.measured(name, done):
        if csv:
            platform.call(
                office.session,
                "POST",
                f"{path}/claims.csv",
                data=claims_csv(claims),
                headers={"Content-Type": "text/csv"},
            )
        else:
            platform.call(
                office.session, "POST", f"{path}/replies", json={"type": "notice_ack", "claims": claims}
            )
    return done[0]


# --- the report ---------------------------------------------------------------------------------------


DYNAMODB_COLUMNS = (
    "GetItem",
    "Query",
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "BatchWriteItem",
    "TransactWriteItems",
)
OTHER_COLUMNS = (("KMS", "kms:"), ("SQS", "sqs:"), ("SES", "sesv2:"), ("S3", "s3:"))


DOSSIER_READS = ("dynamodb:Query", "dynamodb:GetItem", "dynamodb:BatchGetItem")
CLAIM_WRITES = ("dynamodb:BatchWriteItem", "dynamodb:TransactWriteItems")
AGGREGATE_KEYS = ("META", "TOTALS")  # the dossier's summary and its totals, in its partition


def on_table(call: AwsCall, table: str) -> bool:
    return str(call.params.get("TableName", "")).endswith(f"-{table}")


def sort_key(call: AwsCall) -> str:
    key = call.params.get("Item") or call.params.get("Key") or {}
    return str(key.get("SK", {}).get("S", ""))


def writes_claims(call: AwsCall) -> bool:
    """A batch or transaction that stores claims (a reply's own record beside them is not a claim)."""
    items = [
        request.get("PutRequest", {}).get("Item", {})
        for requests_ in call.params.get("RequestItems", {}).values()
        for request in requests_
    ] + [entry.get("Put", {}).get("Item", {}) for entry in call.params.get("TransactItems", [])]
    return any(str(item.get("SK", {}).get("S", "")).startswith("CLAIM#") for item in items)


def target(operation: Operation) -> str:
    """The issue's targets, where it sets one: a dossier view is one Query (its data key, kept in the
    key store apart from the data by design, is read beside it); claim intake of N claims is at most
    ceil(N/25) batch writes and one update of the dossier's aggregate."""
    if operation.name == "dossier view":
        reads = [c for c in operation.calls if c.name in DOSSIER_READS and not on_table(c, "key-store")]
        met = [c.name for c in reads] == ["dynamodb:Query"]
        return f"1 Query (+ the key): {'met' if met else 'NOT met'}"
    if operation.name.startswith("claim intake"):
        n = int(operation.name.split()[2])
        claims = [c for c in operation.calls if c.name in CLAIM_WRITES and writes_claims(c)]
        aggregate = [
            c
            for c in operation.calls
            if c.name in ("dynamodb:PutItem", "dynamodb:UpdateItem") and sort_key(c) in AGGREGATE_KEYS
        ]
        met = len(claims) <= math.ceil(n / 25) and len(aggregate) <= 1
        return (
            f"<= {math.ceil(n / 25)} batch + 1 aggregate ({len(claims)} + {len(aggregate)}): "
            f"{'met' if met else 'NOT met'}"
        )
    return ""


def print_operations(operations: Sequence[Operation]) -> None:
    short = {"BatchWriteItem": "Batch", "TransactWriteItems": "Transact", "DeleteItem": "Delete"}
    head = [short.get(c, c.removesuffix("Item")) for c in DYNAMODB_COLUMNS]
    print(
        f"{'operation':40}{'API':>5}{'fn':>5}"
        + "".join(f"{h:>9}" for h in head)
        + "".join(f"{h:>5}" for h, _ in OTHER_COLUMNS)
        + f"{'WRU':>7}{'RRU':>7}  target"
    )
    for o in operations:
        names = by_name(o.calls)
        cells = "".join(f"{names[f'dynamodb:{c}']:>9}" for c in DYNAMODB_COLUMNS)
        others = "".join(f"{o.count(prefix):>5}" for _, prefix in OTHER_COLUMNS)
        wru, rru = sum(write_units(c) for c in o.calls), sum(read_units(c) for c in o.calls)
        print(
            f"{o.name:40}{o.api_requests:>5}{sum(o.invocations.values()):>5}{cells}{others}"
            f"{wru:>7.0f}{rru:>7.1f}  {target(o)}"
        )
    print(
        "  API: HTTP requests (each an API Gateway request and a Lambda invocation);"
        " fn: consumer invocations;"
    )
    print(
        "  WRU/RRU: DynamoDB request units by AWS's rules (per KB written, transactions x2; per 4 KB read)."
    )


def print_costs(costs: dict[int, Cost], prices: Prices = PRICES) -> None:
    creditors = sorted(costs)
    print(f"cost per dossier lifecycle, AWS list prices of {prices.published}, {prices.region} (on-demand)")
    print(f"{'':36}" + "".join(f"{f'{c} creditors':>28}" for c in creditors))
    print(f"{'':36}" + "".join(f"{'quantity':>14}{'USD':>14}" for _ in creditors))
    for line in costs[creditors[0]].lines:
        cells = "".join(
            f"{costs[c].lines[line][0]:>14.1f}{costs[c].lines[line][1]:>14.6f}" for c in creditors
        )
        print(f"{line:36}{cells}")
    print(f"{'per dossier':36}" + "".join(f"{'':>14}{costs[c].dollars:>14.5f}" for c in creditors))
    print(
        f"{'per 1,000 dossiers':36}" + "".join(f"{'':>14}{1000 * costs[c].dollars:>14.2f}" for c in creditors)
    )
    print(
        f"  A lifecycle: every operation above once, the dossier view x{VIEWS_PER_LIFECYCLE}.\n"
        "  Left out, as not per dossier: the idle cost (KMS keys, secrets, WAF, alarms), the hourly and\n"
        "  weekly schedules, storage at rest, CloudWatch logs and X-Ray.\n"
        "  Lambda time is this machine's handler time (moto answering): an upper bound."
    )


@dataclass
class Measured:
    lifecycles: dict[int, list[Operation]]
    intakes: list[Operation]
    costs: dict[int, Cost]


def measure(creditor_counts: Sequence[int]) -> Measured:
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    calls = AwsCalls()
    calls.hook()  # before the stack starts: every client it creates is counted
    stack = LocalStack(Settings(port=free_port(), ttl_every_s=3600))
    stack.start()
    try:
        platform = Platform(stack, calls)
        offices = register_offices(platform, max(creditor_counts), first=1)
        lifecycle(platform, offices[:2], index=0)  # warm-up: imports, clients, secrets
        lifecycles = {c: lifecycle(platform, offices[:c], index=c) for c in creditor_counts}
        intakes = [
            intake(platform, offices[0], index=1000 + n, n=n, csv=csv)
            for n, csv in zip(INTAKE_SIZES, (False, True), strict=True)
        ]
    finally:
        stack.stop()
    memory_mb = max(f.memory_mb for f in CATALOGUE.functions())
    costs = {c: cost(lifecycle_ops(ops), memory_mb) for c, ops in lifecycles.items()}
    return Measured(lifecycles, intakes, costs)


def lifecycle_ops(operations: list[Operation]) -> list[Operation]:
    return [o.times(VIEWS_PER_LIFECYCLE) if o.name == "dossier view" else o for o in operations]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--creditors", type=int, nargs="+", default=[14, 40])
    parser.add_argument("--detail", action="store_true", help="each operation's calls by caller")
    args = parser.parse_args(argv)
    measured = measure(args.creditors)
    if args.detail:
        for operation in [*measured.lifecycles[args.creditors[0]], *measured.intakes]:
            print(f"{operation.name}:")
            for (thread, call), n in sorted(Counter((c.thread, c.name) for c in operation.calls).items()):
                print(f"    {thread:48}{call:36}{n:>4}")
    for c, operations in measured.lifecycles.items():
        print(f"\nAWS calls per business operation, one dossier with {c} creditors (one claim each):")
        print_operations(operations)
    print("\nclaim intake:")
    print_operations(measured.intakes)
    print()
    print_costs(measured.costs)


if __name__ == "__main__":
    main()
