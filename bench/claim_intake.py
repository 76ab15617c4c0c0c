"""Claim intake on the local stack: how many claims per second an office's replies bring in, how long
until the caseworker sees them and the totals are consolidated, and how many DynamoDB calls each claim
costs — beside bare PutItem calls of a claim-sized item to the same moto (the floor), in the same run.

    .venv/bin/python bench/claim_intake.py [--dossiers N] [--claims-per-dossier K] [--csv] [--quick]

Defaults: 1,000 dossiers x 14 claims (the issue's figure; about 20 minutes on 2 cores), API replies
only. `--quick` (200 dossiers, about 3 minutes) is what `make bench` runs.

Setup (not timed): anna registers N dossiers and sends each a notice to Van Hove. Timed: Van Hove
answers every notice with a notice_ack carrying K claims (8 client threads); every 10th dossier is
then read as the caseworker (GET /consent/dossiers/{id}) until its K claims show. When each
dossier's totals are written is seen on the consolidation consumer's own UpdateItem (a botocore hook
in this process: no polling of moto). `--csv` adds the same intake as one CSV upload per dossier, on
N more dossiers. AWS calls are counted on the services' clients (boto3's DEFAULT_SESSION), the
in-process consumers' handlers included; the pumps' own polling and this benchmark's own calls to
moto use other sessions and are not counted.
"""

import argparse
import os
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import boto3
import requests
from support import claim, claims_csv, item_bytes, percentile, registration

from respite_claims.totals_store import TOTALS
from respite_core.resources import QueueName, TableName, env_var
from respite_infra.local.moto_process import free_port
from respite_infra.local.seed import DEMO_PASSWORD
from respite_infra.local.stack import LocalStack, Settings

OFFICE = "vanhove"
CASEWORKER = "anna@ocmw-gent.example"
WORKERS = 8
SAMPLE_EVERY = 10  # every 10th dossier is read as the caseworker until its claims show
REQUEST_TIMEOUT_S = 60
VISIBLE_BUDGET_S = 30
SETTLE_BUDGET_S = 120  # per 200 dossiers: the set-up's emails and feed items grow with the run
DYNAMODB_OPERATIONS = ("TransactWriteItems", "BatchWriteItem", "Query", "GetItem", "UpdateItem", "PutItem")

# where a counted call was made: the in-process consumers run on threads named after their function
# ("sqs-pump-claims-consolidation"), the APIs on the gateway's request threads
PUMPS = ("sqs-pump-", "stream-pump-")
API, VIEW_READS, SCHEDULER = "API", "view reads", "scheduler"


def budget_s(fixed: float, per_unit: float, units: int) -> float:
    """Each phase fails rather than run on; its budget grows with its size."""
    return fixed + per_unit * units


def in_pool[T, R](work: Callable[[T], R], items: Iterable[T]) -> list[R]:
    """`work` on every item from WORKERS threads, results in order; the first failure cancels the rest."""
    with ThreadPoolExecutor(WORKERS) as pool:
        futures = [pool.submit(work, item) for item in items]
        try:
            return [future.result() for future in futures]
        except BaseException:
            for future in futures:
                future.cancel()
            raise


class CallCounter:
    """botocore hooks on the services' session: counts calls by origin (the APIs, a consumer, the
    benchmark's view reads), and notes when the consolidation consumer has written a dossier's totals."""

    def __init__(self) -> None:
        self.calls: Counter[tuple[str, str]] = Counter()
        self.totals_written: dict[str, float] = {}  # dossier id -> perf_counter() of its last totals update
        self._lock = threading.Lock()

    def register(self, session: boto3.Session) -> None:
        session.events.register("before-call", self.count)
        session.events.register("before-parameter-build.dynamodb.UpdateItem", self.mark_totals)
        session.events.register("after-call.dynamodb.UpdateItem", self.note_totals)

    def count(self, model: Any, **_: Any) -> None:
        call = f"{model.service_model.service_name}:{model.name}"
        origin = self._origin()
        with self._lock:
            self.calls[(origin, call)] += 1

    @staticmethod
    def _origin() -> str:
        name = threading.current_thread().name
        for prefix in PUMPS:
            if name.startswith(prefix):
                return name.removeprefix(prefix)
        if name == SCHEDULER:
            return SCHEDULER
        frame = sys._getframe(2)
        while frame is not None:  # the caseworker's dossier view, which the benchmark itself reads
            if frame.f_code.co_name == "read_dossier" and "consent" in frame.f_code.co_filename:
                return VIEW_READS
            frame = frame.f_back  # type: ignore[assignment]
        return API

    @staticmethod
    def mark_totals(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        """Consolidation's one write: the totals on the dossier's summary item."""
        if TOTALS in params.get("ExpressionAttributeNames", {}).values():
            context["bench_totals_of"] = str(params["Key"]["PK"]["S"]).removeprefix("DOSSIER#")

    def note_totals(self, http_response: Any, context: dict[str, Any], **_: Any) -> None:
        if "bench_totals_of" in context and http_response.status_code < 300:
            with self._lock:
                self.totals_written[context["bench_totals_of"]] = time.perf_counter()

    def snapshot(self) -> Counter[tuple[str, str]]:
        with self._lock:
            return Counter(self.calls)

    def consumer_calls(self) -> int:
        with self._lock:
            return sum(n for (origin, _), n in self.calls.items() if origin not in (API, VIEW_READS))

    def consolidated(self, dossier_ids: Iterable[str]) -> dict[str, float]:
        with self._lock:
            return {d: self.totals_written[d] for d in dossier_ids if d in self.totals_written}


@dataclass
class Dossier:
    index: int
    dossier_id: str
    notice_id: str


@dataclass
class Phase:
    """One timed intake: API replies or CSV uploads."""

    name: str
    dossiers: int
    claims: int = 0
    accepted_s: float = 0.0  # first submission -> last 201
    consolidated_s: float = 0.0  # first submission -> every dossier's totals written
    reply_ms: list[float] = field(default_factory=list)
    visible_ms: list[float] = field(default_factory=list)
    consolidated_ms: list[float] = field(default_factory=list)
    calls: Counter[tuple[str, str]] = field(default_factory=Counter)
    table_items: tuple[int, int] = (0, 0)  # the dossiers table's items at the start and at the end

    def per_second(self, seconds: float) -> float:
        return self.claims / seconds if seconds else float("nan")


class Bench:
    def __init__(self, stack: LocalStack, counter: CallCounter, k: int) -> None:
        self.stack = stack
        self.counter = counter
        self.k = k
        self.size = 200  # dossiers in the run: the settle budget grows with it (set by main)
        self.base = f"http://127.0.0.1:{stack.settings.port}"
        aws = boto3.Session(region_name="eu-west-1")  # the benchmark's own reads: not counted
        self.dynamodb = aws.client("dynamodb")
        self.sqs = aws.client("sqs")
        self.dossiers_table = stack.environment[env_var(TableName.DOSSIERS)]
        self.queue_url = stack.environment[env_var(QueueName.CLAIMS_CONSOLIDATION)]
        self._local = threading.local()
        self.caseworker_token = self.office_token = ""
        self.sign_in()

    def sign_in(self) -> None:
        """Fresh tokens (they last an hour; a long run signs in again before each phase)."""
        self.caseworker_token = self._post(
            "/local/sign-in", json={"username": CASEWORKER, "password": DEMO_PASSWORD}
        ).json()["id_token"]
        credentials = next(c for c in self.stack.office_credentials if c.office_id == OFFICE)
        self.office_token = self._post(
            "/oauth2/token",
            data={"grant_type": "client_credentials"},
            auth=(credentials.client_id, credentials.client_secret),
        ).json()["access_token"]

    # --- HTTP -------------------------------------------------------------------------------------

    def session(self) -> requests.Session:
        """One keep-alive session per client thread."""
        if not hasattr(self._local, "session"):
            self._local.session = requests.Session()
        session: requests.Session = self._local.session
        return session

    def _post(self, path: str, **kwargs: Any) -> requests.Response:
        response = self.session().post(f"{self.base}{path}", timeout=REQUEST_TIMEOUT_S, **kwargs)
        if response.status_code >= 300:
            raise RuntimeError(f"POST {path}: {response.status_code} {response.text[:300]}")
        return response

    def as_caseworker(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.caseworker_token}"}

    def as_office(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.office_token}"}

    # --- setup --------------------------------------------------------------------------------------

    def notified_dossier(self, index: int, deadline: float) -> Dossier:
        if time.monotonic() > deadline:
            raise TimeoutError("setup ran out of its time budget")
        headers = self.as_caseworker()
        dossier_id = self._post("/consent/dossiers", json=registration(index), headers=headers).json()[
            "dossier_id"
        ]
        sent = self._post(
            f"/claims/dossiers/{dossier_id}/notices", json={"office_ids": [OFFICE]}, headers=headers
        )
        return Dossier(index, dossier_id, sent.json()["messages"][0]["message_id"])

    def setup(self, first: int, n: int) -> list[Dossier]:
        self.sign_in()
        deadline = time.monotonic() + budget_s(120, 1.0, n)
        return in_pool(lambda i: self.notified_dossier(i, deadline), range(first, first + n))

    # --- waiting ----------------------------------------------------------------------------------

    def settle(self, within_s: float | None = None) -> None:
        """Until the consolidation queue is empty and no consumer has made a counted call for 2 s: the
        work of one phase (the outbox's emails after the notices, the feed) stays in that phase."""
        within_s = within_s or SETTLE_BUDGET_S * max(1.0, self.size / 200)
        deadline = time.monotonic() + within_s
        quiet_since, last = time.monotonic(), self.counter.consumer_calls()
        while time.monotonic() < deadline:
            time.sleep(0.25)
            calls = self.counter.consumer_calls()
            if calls != last:
                quiet_since, last = time.monotonic(), calls
            if time.monotonic() - quiet_since >= 2 and not self.queue_depth():
                return
        raise TimeoutError(f"the consumers did not settle within {within_s:.0f} s")

    def queue_depth(self) -> int:
        attributes = self.sqs.get_queue_attributes(
            QueueUrl=self.queue_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return sum(int(v) for v in attributes.values())

    def table_items(self) -> int:
        """Items in the dossiers table: the local figures should not fall as it grows."""
        return int(self.dynamodb.describe_table(TableName=self.dossiers_table)["Table"]["ItemCount"])

    def visible_claims(self, dossier_id: str) -> int:
        response = self.session().get(
            f"{self.base}/consent/dossiers/{dossier_id}",
            headers=self.as_caseworker(),
            timeout=REQUEST_TIMEOUT_S,
        )
        response.raise_for_status()
        return sum(len(claims) for c in response.json()["creditors"] for claims in c["claims"].values())

    # --- the timed intake --------------------------------------------------------------------------

    def submit(self, dossier: Dossier, csv: bool) -> requests.Response:
        claims = [claim(dossier.index, k) for k in range(self.k)]
        path = f"/claims/dossiers/{dossier.dossier_id}/messages/{dossier.notice_id}"
        if csv:
            headers = self.as_office() | {"Content-Type": "text/csv"}
            return self._post(f"{path}/claims.csv", data=claims_csv(claims), headers=headers)
        return self._post(
            f"{path}/replies", json={"type": "notice_ack", "claims": claims}, headers=self.as_office()
        )

    def intake(self, name: str, dossiers: list[Dossier], csv: bool) -> Phase:
        phase = Phase(name, len(dossiers), claims=len(dossiers) * self.k)
        self.settle()
        self.sign_in()
        before, items = self.counter.snapshot(), self.table_items()
        deadline = time.monotonic() + budget_s(120, 1.5, len(dossiers))
        submitted: dict[str, float] = {}
        lock = threading.Lock()

        def one(numbered: tuple[int, Dossier]) -> None:
            position, dossier = numbered
            if time.monotonic() > deadline:
                raise TimeoutError(f"{name} ran out of its time budget")
            started = time.perf_counter()
            with lock:
                submitted[dossier.dossier_id] = started
            response = self.submit(dossier, csv)
            replied = time.perf_counter()
            stored = response.json()["accepted" if csv else "claims_stored"]
            if stored != self.k:
                raise RuntimeError(f"{dossier.dossier_id}: {stored} of {self.k} claims stored")
            with lock:
                phase.reply_ms.append((replied - started) * 1000)
            if position % SAMPLE_EVERY:
                return
            give_up = time.monotonic() + VISIBLE_BUDGET_S
            while self.visible_claims(dossier.dossier_id) < self.k:
                if time.monotonic() > give_up:
                    raise TimeoutError(f"{dossier.dossier_id}: claims not visible after {VISIBLE_BUDGET_S} s")
                time.sleep(0.01)
            with lock:
                phase.visible_ms.append((time.perf_counter() - started) * 1000)

        started = time.perf_counter()
        in_pool(one, enumerate(dossiers))
        phase.accepted_s = time.perf_counter() - started
        print(f"{name}: {phase.accepted_s:.1f} s to the last 201; waiting for consolidation", flush=True)
        ids = [d.dossier_id for d in dossiers]
        give_up = time.monotonic() + budget_s(120, 1.0, len(dossiers))
        while len(consolidated := self.counter.consolidated(ids)) < len(ids):
            if time.monotonic() > give_up:
                raise TimeoutError(f"{name}: {len(consolidated)} of {len(ids)} dossiers consolidated in time")
            time.sleep(0.1)
        phase.consolidated_s = max(consolidated.values()) - started
        phase.consolidated_ms = [(consolidated[d] - submitted[d]) * 1000 for d in ids]
        self.settle(budget_s(SETTLE_BUDGET_S, 0.5, len(dossiers)))  # the feed may still read the stream
        phase.calls = self.counter.snapshot() - before
        phase.table_items = (items, self.table_items())
        return phase

    # --- the floor ------------------------------------------------------------------------------------

    def claim_item(self, dossier_id: str) -> dict[str, Any]:
        """A claim item as the intake stored it (sealed fields and all)."""
        items = self.dynamodb.query(
            TableName=self.dossiers_table,
            KeyConditionExpression="PK = :pk AND begins_with(SK, :claim)",
            ExpressionAttributeValues={":pk": {"S": f"DOSSIER#{dossier_id}"}, ":claim": {"S": "CLAIM#"}},
            ConsistentRead=True,
        )["Items"]
        if not items:
            raise RuntimeError(f"{dossier_id}: no claim item to copy")
        return items[0]

    def floor(self, n: int, item: dict[str, Any]) -> tuple[float, float]:
        """Seconds for `n` bare PutItem calls of `item` through one client: in sequence, then from 8
        threads. Into the feed table (no stream: nothing reacts to these)."""
        table = self.stack.environment[env_var(TableName.FEED)]
        deadline = time.monotonic() + budget_s(120, 0.05, n)

        def put(label: str, i: int) -> None:
            if time.monotonic() > deadline:
                raise TimeoutError("the floor ran out of its time budget")
            self.dynamodb.put_item(
                TableName=table, Item=item | {"PK": {"S": f"BENCH#{label}"}, "SK": {"S": f"{i:07d}"}}
            )

        started = time.perf_counter()
        for i in range(n):
            put("sequential", i)
        sequential = time.perf_counter() - started

        def share(worker: int) -> None:
            for i in range(worker, n, WORKERS):
                put("threaded", i)

        started = time.perf_counter()
        in_pool(share, range(WORKERS))
        return sequential, time.perf_counter() - started


# --- the report ---------------------------------------------------------------------------------------


def by_origin(phase: Phase) -> dict[str, Counter[str]]:
    """The platform's calls of a phase by origin: the API first, then each consumer."""
    origins: dict[str, Counter[str]] = {API: Counter()}
    for (origin, call), count in sorted(phase.calls.items()):
        if origin not in (VIEW_READS, SCHEDULER):
            origins.setdefault(origin, Counter())[call] += count
    return origins


def dynamodb_calls(calls: Counter[str]) -> int:
    return sum(n for call, n in calls.items() if call.startswith("dynamodb:"))


def calls_table(phase: Phase) -> None:
    origins = by_origin(phase)
    every = sum(origins.values(), Counter[str]())
    widths = [max(10, len(o) + 2) for o in origins]

    def line(label: str, values: Sequence[float], every_value: float) -> None:
        cells = "".join(f"{v:{w}.3f}" for v, w in zip(values, widths, strict=True))
        print(f"    {label:30}{cells}{every_value:10.3f}")

    print(f"  {phase.name}")
    print(
        f"    {'per claim':30}"
        + "".join(f"{o:>{w}}" for o, w in zip(origins, widths, strict=True))
        + f"{'all':>10}"
    )
    operations = sorted(
        {c.split(":", 1)[1] for c in every if c.startswith("dynamodb:")} | set(DYNAMODB_OPERATIONS)
    )
    for operation in operations:
        call = f"dynamodb:{operation}"
        line(
            f"dynamodb:{operation}",
            [o[call] / phase.claims for o in origins.values()],
            every[call] / phase.claims,
        )
    line(
        "DynamoDB, all",
        [dynamodb_calls(o) / phase.claims for o in origins.values()],
        dynamodb_calls(every) / phase.claims,
    )
    print("    per reply (one a dossier)")
    for call in sorted(c for c in every if not c.startswith("dynamodb:")):
        line(call, [o[call] / phase.dossiers for o in origins.values()], every[call] / phase.dossiers)
    apart = Counter[str]()
    for (origin, _), count in phase.calls.items():
        if origin in (VIEW_READS, SCHEDULER):
            apart[origin] += count
    if apart:
        print("    counted apart: " + ", ".join(f"{o}: {n} calls" for o, n in sorted(apart.items())))


def ms(values: Sequence[float]) -> str:
    return f"{percentile(values, 0.5):.0f} / {percentile(values, 0.95):.0f}" if values else "-"


@dataclass
class IntakeRun:
    """One run: its timed phases and the PutItem floor measured on the same moto."""

    phases: list[Phase]
    floor: tuple[float, float]  # seconds for floor_n PutItem: in sequence, from WORKERS threads
    floor_n: int
    item_size: int
    setup_s: float
    total_s: float

    @property
    def threaded_floor(self) -> float:
        """Bare PutItem per second from WORKERS threads: the most moto takes."""
        return self.floor_n / self.floor[1]


def report(run: IntakeRun) -> None:
    phases, floor_n, item_size = run.phases, run.floor_n, run.item_size
    sequential_s, threaded_floor = run.floor[0], run.threaded_floor
    first = phases[0]
    k = first.claims // first.dossiers
    print()
    print(
        f"claim intake on the local stack: {first.dossiers} dossiers x {k} claims = {first.claims} claims "
        f"per phase; {WORKERS} client threads; {os.cpu_count()} CPUs"
    )
    width = 58
    print(f"{'figure':{width}}" + "".join(f"{p.name:>16}" for p in phases))

    def row(label: str, cell: Callable[[Phase], str]) -> None:
        print(f"{label:{width}}" + "".join(f"{cell(p):>16}" for p in phases))

    row("wall time, first submission -> last 201 (s)", lambda p: f"{p.accepted_s:.1f}")
    row("claims/s accepted (201)", lambda p: f"{p.per_second(p.accepted_s):.0f}")
    row("wall time, first submission -> all totals written (s)", lambda p: f"{p.consolidated_s:.1f}")
    row("claims/s consolidated", lambda p: f"{p.per_second(p.consolidated_s):.0f}")
    row("reply latency to 201, p50 / p95 (ms)", lambda p: ms(p.reply_ms))
    row(
        f"submission -> visible in dossier view, p50 / p95 (ms, 1 in {SAMPLE_EVERY})",
        lambda p: ms(p.visible_ms),
    )
    row("submission -> totals written, p50 / p95 (ms, every dossier)", lambda p: ms(p.consolidated_ms))
    row("claims/s accepted / threaded floor", lambda p: f"{p.per_second(p.accepted_s) / threaded_floor:.3f}x")
    row(
        "claims/s consolidated / threaded floor",
        lambda p: f"{p.per_second(p.consolidated_s) / threaded_floor:.3f}x",
    )
    row("dossiers table items, start -> end", lambda p: f"{p.table_items[0]} -> {p.table_items[1]}")
    row(
        "DynamoDB calls per claim (API + consumers)",
        lambda p: f"{dynamodb_calls(sum(by_origin(p).values(), Counter[str]())) / p.claims:.3f}",
    )
    row("  of which in the API request", lambda p: f"{dynamodb_calls(by_origin(p)[API]) / p.claims:.3f}")
    print(
        f"reference, same moto, same run: {floor_n} bare PutItem of a stored claim item "
        f"(~{item_size} bytes), one client"
    )
    print(f"{'  floor, sequential (claims/s)':{width}}{floor_n / sequential_s:16.0f}")
    print(f"{'  floor, 8 threads (claims/s)':{width}}{threaded_floor:16.0f}")
    print()
    print("AWS calls, services' clients (the API's handlers and the in-process consumers' handlers):")
    for phase in phases:
        calls_table(phase)
    print(
        "  Not counted: the pumps' own polling (ReceiveMessage, DeleteMessageBatch, GetRecords ...) and the\n"
        "  benchmark's own calls use other boto3 sessions. The caseworker's dossier view, read by the\n"
        f"  benchmark for 1 in {SAMPLE_EVERY} dossiers, is counted apart ('view reads')."
    )
    print(f"setup (register + notice, not timed): {run.setup_s:.0f} s; whole run: {run.total_s:.0f} s")


# --- main ---------------------------------------------------------------------------------------------------


def measure(n: int, k: int, *, csv: bool = False) -> IntakeRun:
    """Set up N dossiers (and N more for CSV), then time the intake of K claims on each."""
    warm_up = WORKERS
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    began = time.monotonic()
    counter = CallCounter()
    boto3.setup_default_session()  # the services' clients (respite_core.aws) come from this session
    assert boto3.DEFAULT_SESSION is not None
    counter.register(boto3.DEFAULT_SESSION)  # before the stack starts: every client it creates is hooked
    stack = LocalStack(Settings(port=free_port(), ttl_every_s=3600))
    stack.start()
    try:
        bench = Bench(stack, counter, k)
        started = time.monotonic()
        dossiers = bench.setup(0, warm_up + n * (2 if csv else 1))
        bench.size = len(dossiers)
        registered_s = time.monotonic() - started
        bench.settle(budget_s(SETTLE_BUDGET_S, 1.0, len(dossiers)))  # the notices' emails (outbox)
        setup_s = time.monotonic() - started
        print(
            f"setup: {len(dossiers)} dossiers registered and notified in {registered_s:.0f} s; "
            f"consumers quiet after {setup_s - registered_s:.0f} s more",
            flush=True,
        )
        bench.intake("warm-up", dossiers[:warm_up], csv=False)  # imports, clients, the secret, the consumer
        phases = [bench.intake("API replies", dossiers[warm_up : warm_up + n], csv=False)]
        if csv:
            phases.append(bench.intake("CSV uploads", dossiers[warm_up + n :], csv=True))
        item = bench.claim_item(dossiers[warm_up].dossier_id)
        print(f"floor: {n * k} PutItem in sequence, then from {WORKERS} threads", flush=True)
        floor = bench.floor(n * k, item)
    finally:
        stack.stop()
    return IntakeRun(phases, floor, n * k, item_bytes(item), setup_s, time.monotonic() - began)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Claim intake on the local stack, beside a PutItem floor.")
    parser.add_argument("--dossiers", type=int, help="N (default 1000; 200 with --quick)")
    parser.add_argument(
        "--claims-per-dossier", type=int, default=14, choices=range(1, 51), metavar="K (1-50)"
    )
    parser.add_argument(
        "--csv", action="store_true", help="also upload the same claims as CSV, on N more dossiers"
    )
    parser.add_argument("--quick", action="store_true", help="200 dossiers (for make bench)")
    args = parser.parse_args(argv)
    report(measure(args.dossiers or (200 if args.quick else 1000), args.claims_per_dossier, csv=args.csv))


if __name__ == "__main__":
    main()
