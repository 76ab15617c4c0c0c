"""Claim intake on the local stack: how many claims per second an office's replies bring in, how long
until the caseworker sees them and the totals are consolidated, and how many DynamoDB calls each claim
costs — beside bare PutItem calls of a claim-sized item to the same moto (the floor), in the same run.

    make bench      (or: .venv/bin/python bench/claim_intake.py [--dossiers N] [--claims-per-dossier K]
                         [--csv] [--quick])

Setup (not timed): anna registers N dossiers and sends each a notice to Van Hove. Timed: Van Hove
answers every notice with a notice_ack carrying K claims (8 client threads); every 10th dossier is
then read as the caseworker (GET /consent/dossiers/{id}) until its K claims show, and watched until
the consolidation consumer has written its totals. `--csv` adds the same intake as one CSV upload per
dossier, on N more dossiers. AWS calls are counted on the services' clients (boto3's DEFAULT_SESSION),
the in-process consumers' handlers included; the pumps' own polling and this benchmark's own reads
of moto use other sessions and are not counted.
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
from datetime import date, timedelta
from typing import Any

import boto3
import requests

from respite_core.resources import QueueName, TableName, env_var
from respite_infra.local.moto_process import free_port
from respite_infra.local.seed import DEMO_PASSWORD
from respite_infra.local.stack import LocalStack, Settings

OFFICE = "vanhove"
CASEWORKER = "anna@ocmw-gent.example"
AGENCY = "ocmw-gent"
WORKERS = 8
SAMPLE_EVERY = 10  # every 10th dossier: submission -> visible, submission -> consolidated
REQUEST_TIMEOUT_S = 60
SETUP_BUDGET_S = 1200  # each phase fails rather than run on
PHASE_BUDGET_S = 900
SETTLE_BUDGET_S = 300
VISIBLE_BUDGET_S = 30
DYNAMODB_OPERATIONS = ("TransactWriteItems", "BatchWriteItem", "Query", "GetItem", "UpdateItem", "PutItem")
CSV_HEADER = ";".join(
    (
        "office_reference",
        "principal_creditor",
        "creditor_class",
        "principal",
        "interest",
        "costs",
        "paid",
        "title_kind",
        "garnishment_laid",
    )
)

# where a counted call was made: the in-process consumers run on named threads, the APIs on the
# gateway's request threads
CONSUMERS = {"sqs-pump-": "consolidation (SQS)", "stream-pump-": "feed (stream)", "scheduler": "scheduler"}
API, VIEW_READS = "API", "view reads"


def percentile(values: Sequence[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


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


def be_national_number(born: date, serial: int) -> str:
    digits = f"{born:%y%m%d}{serial:03d}"
    return digits + f"{97 - int(digits) % 97:02d}"


def registration(index: int) -> dict[str, Any]:
    born = date(1950, 1, 1) + timedelta(days=index // 900)  # 900 people per birth date
    return {
        "person": {
            "national_number": {"country": "BE", "number": be_national_number(born, 1 + index % 900)},
            "given_names": "Bench",
            "family_name": f"Intake{index}",
            "birth_date": born.isoformat(),
            "address": {
                "country": "BE",
                "street": "Kouter",
                "number": "1",
                "postal_code": "9000",
                "city": "Gent",
            },
        },
        "consent": {"text_version": "v1", "language": "nl", "channel": "in_person"},
    }


def claim(index: int, k: int) -> dict[str, Any]:
    """A realistic claim: a judgment, interest and costs, something paid, now and then a garnishment."""
    return {
        "office_reference": f"VH/2026/{index:05d}-{k:02d}",
        "principal_creditor": f"Creditor {k % 5}",
        "creditor_class": "preferential" if k % 7 == 0 else "ordinary",
        "principal": 10_000 + 137 * k,
        "interest": 450 + k,
        "costs": 987,
        "paid": 1_000,
        "title_kind": "judgment" if k % 2 else "none",
        "garnishment_laid": k % 9 == 0,
    }


def claims_csv(claims: Iterable[dict[str, Any]]) -> bytes:
    def euros(cents: int) -> str:
        return f"{cents // 100},{cents % 100:02d}"

    lines = [CSV_HEADER]
    for c in claims:
        amounts = ";".join(euros(c[a]) for a in ("principal", "interest", "costs", "paid"))
        lines.append(
            f"{c['office_reference']};{c['principal_creditor']};{c['creditor_class']};{amounts};"
            f"{c['title_kind']};{'ja' if c['garnishment_laid'] else 'nee'}"
        )
    return ("\r\n".join(lines) + "\r\n").encode()


class CallCounter:
    """botocore `before-call`: counts calls by origin (API, a consumer, the benchmark's view reads)."""

    def __init__(self) -> None:
        self.calls: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()

    def __call__(self, model: Any, **_: Any) -> None:
        call = f"{model.service_model.service_name}:{model.name}"
        origin = self._origin()
        with self._lock:
            self.calls[(origin, call)] += 1

    @staticmethod
    def _origin() -> str:
        name = threading.current_thread().name
        for prefix, origin in CONSUMERS.items():
            if name.startswith(prefix):
                return origin
        frame = sys._getframe(2)
        while frame is not None:  # the caseworker's dossier view, which the benchmark itself reads
            if frame.f_code.co_name == "read_dossier" and "consent" in frame.f_code.co_filename:
                return VIEW_READS
            frame = frame.f_back  # type: ignore[assignment]
        return API

    def snapshot(self) -> Counter[tuple[str, str]]:
        with self._lock:
            return Counter(self.calls)

    def consumer_calls(self) -> int:
        with self._lock:
            return sum(n for (origin, _), n in self.calls.items() if origin not in (API, VIEW_READS))


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

    def per_second(self, seconds: float) -> float:
        return self.claims / seconds if seconds else float("nan")


class Bench:
    def __init__(self, stack: LocalStack, counter: CallCounter, k: int) -> None:
        self.stack = stack
        self.counter = counter
        self.k = k
        self.base = f"http://127.0.0.1:{stack.settings.port}"
        aws = boto3.Session(region_name="eu-west-1")  # the benchmark's own reads: not counted
        self.dynamodb = aws.client("dynamodb")
        self.sqs = aws.client("sqs")
        self.dossiers_table = stack.environment[env_var(TableName.DOSSIERS)]
        self.queue_url = stack.environment[env_var(QueueName.CLAIMS_CONSOLIDATION)]
        self._local = threading.local()
        self.caseworker_token = self._post(
            "/local/sign-in", json={"username": CASEWORKER, "password": DEMO_PASSWORD}
        ).json()["id_token"]
        credentials = next(c for c in stack.office_credentials if c.office_id == OFFICE)
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
            raise TimeoutError(f"setup took longer than {SETUP_BUDGET_S} s")
        headers = self.as_caseworker()
        dossier_id = self._post("/consent/dossiers", json=registration(index), headers=headers).json()[
            "dossier_id"
        ]
        sent = self._post(
            f"/claims/dossiers/{dossier_id}/notices", json={"office_ids": [OFFICE]}, headers=headers
        )
        return Dossier(index, dossier_id, sent.json()["messages"][0]["message_id"])

    def setup(self, first: int, n: int) -> list[Dossier]:
        deadline = time.monotonic() + SETUP_BUDGET_S
        return in_pool(lambda i: self.notified_dossier(i, deadline), range(first, first + n))

    # --- waiting ----------------------------------------------------------------------------------

    def receipts(self) -> int:
        """Intakes the consolidation consumer has finished (it writes the receipt after the totals)."""
        count, start = 0, None
        while True:
            request: dict[str, Any] = {
                "TableName": self.dossiers_table,
                "KeyConditionExpression": "PK = :pk",
                "ExpressionAttributeValues": {":pk": {"S": f"RECEIPTS#{AGENCY}"}},
                "Select": "COUNT",
            }
            if start:
                request["ExclusiveStartKey"] = start
            page = self.dynamodb.query(**request)
            count += page["Count"]
            start = page.get("LastEvaluatedKey")
            if not start:
                return count

    def settle(self) -> None:
        """Until the consolidation queue is empty and no consumer has made a counted call for 2 s: the
        work of one phase stays in that phase's counts."""
        deadline = time.monotonic() + SETTLE_BUDGET_S
        quiet_since, last = time.monotonic(), self.counter.consumer_calls()
        while time.monotonic() < deadline:
            time.sleep(0.25)
            calls = self.counter.consumer_calls()
            if calls != last:
                quiet_since, last = time.monotonic(), calls
            if time.monotonic() - quiet_since >= 2 and not self.queue_depth():
                return
        raise TimeoutError(f"the consumers did not settle within {SETTLE_BUDGET_S} s")

    def queue_depth(self) -> int:
        attributes = self.sqs.get_queue_attributes(
            QueueUrl=self.queue_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        )["Attributes"]
        return sum(int(v) for v in attributes.values())

    def totals_claims(self, dossier_id: str) -> int:
        item = self.dynamodb.get_item(
            TableName=self.dossiers_table,
            Key={"PK": {"S": f"DOSSIER#{dossier_id}"}, "SK": {"S": "TOTALS"}},
            ConsistentRead=True,
        ).get("Item")
        return int(item["claims"]["N"]) if item else 0

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
        phase = Phase(name, len(dossiers))
        receipts_before = self.receipts()
        self.settle()
        before = self.counter.snapshot()
        deadline = time.monotonic() + PHASE_BUDGET_S
        submitted: dict[str, float] = {}  # sampled dossiers: when their claims were submitted
        consolidated: dict[str, float] = {}
        lock = threading.Lock()
        done = threading.Event()

        def one(numbered: tuple[int, Dossier]) -> None:
            position, dossier = numbered
            if time.monotonic() > deadline:
                raise TimeoutError(f"{name} took longer than {PHASE_BUDGET_S} s")
            sampled = position % SAMPLE_EVERY == 0
            started = time.perf_counter()
            if sampled:
                with lock:
                    submitted[dossier.dossier_id] = started
            response = self.submit(dossier, csv)
            replied = time.perf_counter()
            stored = response.json()["accepted" if csv else "claims_stored"]
            if stored != self.k:
                raise RuntimeError(f"{dossier.dossier_id}: {stored} of {self.k} claims stored")
            with lock:
                phase.reply_ms.append((replied - started) * 1000)
            if not sampled:
                return
            give_up = time.monotonic() + VISIBLE_BUDGET_S
            while self.visible_claims(dossier.dossier_id) < self.k:
                if time.monotonic() > give_up:
                    raise TimeoutError(f"{dossier.dossier_id}: claims not visible after {VISIBLE_BUDGET_S} s")
                time.sleep(0.01)
            with lock:
                phase.visible_ms.append((time.perf_counter() - started) * 1000)

        def watch_totals() -> None:
            """Submission -> totals written, for the sampled dossiers (resolution: one sweep of them)."""
            while not done.is_set() or len(consolidated) < len(submitted):
                with lock:
                    pending = [d for d in submitted if d not in consolidated]
                for dossier_id in pending:
                    if self.totals_claims(dossier_id) >= self.k:
                        consolidated[dossier_id] = time.perf_counter()
                if time.monotonic() > deadline + SETTLE_BUDGET_S:
                    return
                time.sleep(0.25)

        watcher = threading.Thread(target=watch_totals, name="bench-totals-watcher", daemon=True)
        watcher.start()
        started = time.perf_counter()
        try:
            in_pool(one, enumerate(dossiers))
            phase.accepted_s = time.perf_counter() - started
            give_up = time.monotonic() + SETTLE_BUDGET_S
            while self.queue_depth():  # every message was sent before its 201; deleted once consolidated
                if time.monotonic() > give_up:
                    raise TimeoutError(f"{name}: not every intake consolidated within {SETTLE_BUDGET_S} s")
                time.sleep(0.1)
            phase.consolidated_s = time.perf_counter() - started
            self.settle()  # the feed consumer may still be reading the stream
            if self.receipts() != receipts_before + len(dossiers):
                raise RuntimeError(f"{name}: {self.receipts() - receipts_before} intakes consolidated")
        finally:
            done.set()
            watcher.join(SETTLE_BUDGET_S)
        phase.claims = len(dossiers) * self.k
        phase.consolidated_ms = [(consolidated[d] - submitted[d]) * 1000 for d in consolidated]
        phase.calls = self.counter.snapshot() - before
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
        deadline = time.monotonic() + PHASE_BUDGET_S

        def put(label: str, i: int) -> None:
            if time.monotonic() > deadline:
                raise TimeoutError(f"the floor took longer than {PHASE_BUDGET_S} s")
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

PLATFORM = (API, "consolidation (SQS)", "feed (stream)")


def item_bytes(item: dict[str, Any]) -> int:
    """DynamoDB's item size, roughly: names and values as UTF-8."""

    def size(value: Any) -> int:
        ((kind, inner),) = value.items()
        if kind == "M":
            return sum(len(k) + size(v) for k, v in inner.items())
        if kind == "L":
            return sum(size(v) for v in inner)
        if kind in ("NULL", "BOOL"):
            return 1
        return len(str(inner).encode())

    return sum(len(k) + size(v) for k, v in item.items())


def ms(values: Sequence[float]) -> str:
    return f"{percentile(values, 0.5):.0f} / {percentile(values, 0.95):.0f}" if values else "-"


def report(
    phases: list[Phase],
    floor: tuple[float, float],
    floor_n: int,
    item_size: int,
    setup_s: float,
    total_s: float,
) -> None:
    sequential_s, threaded_s = floor
    threaded_floor = floor_n / threaded_s
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
    row(f"submission -> totals written, p50 / p95 (ms, 1 in {SAMPLE_EVERY})", lambda p: ms(p.consolidated_ms))
    row("claims/s accepted / threaded floor", lambda p: f"{p.per_second(p.accepted_s) / threaded_floor:.3f}x")
    row(
        "claims/s consolidated / threaded floor",
        lambda p: f"{p.per_second(p.consolidated_s) / threaded_floor:.3f}x",
    )
    print(
        f"reference, same moto, same run: {floor_n} bare PutItem of a stored claim item "
        f"(~{item_size} bytes), one client"
    )
    print(f"{'  floor, sequential (claims/s)':{width}}{floor_n / sequential_s:16.0f}")
    print(f"{'  floor, 8 threads (claims/s)':{width}}{threaded_floor:16.0f}")

    print()
    print("AWS calls per claim, services' clients (API handlers + in-process consumers' handlers):")
    for phase in phases:
        by_origin = {origin: Counter[str]() for origin in PLATFORM}
        for (origin, call), count in phase.calls.items():
            if origin in by_origin:
                by_origin[origin][call] += count
        every = sum(by_origin.values(), Counter[str]())
        dynamo = sorted(
            {c.split(":", 1)[1] for c in every if c.startswith("dynamodb:")} | set(DYNAMODB_OPERATIONS)
        )
        print(f"  {phase.name}: {'operation':24}" + "".join(f"{o:>22}" for o in PLATFORM) + f"{'all':>10}")
        indent = " " * (len(phase.name) + 4)
        for operation in dynamo:
            call = f"dynamodb:{operation}"
            print(
                f"{indent}{operation:24}"
                + "".join(f"{by_origin[o][call] / phase.claims:22.3f}" for o in PLATFORM)
                + f"{every[call] / phase.claims:10.3f}"
            )
        total = {o: sum(n for c, n in by_origin[o].items() if c.startswith("dynamodb:")) for o in PLATFORM}
        print(
            f"{indent}{'DynamoDB, all':24}"
            + "".join(f"{total[o] / phase.claims:22.3f}" for o in PLATFORM)
            + f"{sum(total.values()) / phase.claims:10.3f}"
        )
        others = sorted(c for c in every if not c.startswith("dynamodb:"))
        print(f"{indent}per reply (one per dossier):")
        for call in others:
            print(
                f"{indent}{call:24}"
                + "".join(f"{by_origin[o][call] / phase.dossiers:22.3f}" for o in PLATFORM)
                + f"{every[call] / phase.dossiers:10.3f}"
            )
        left_out = Counter[str]()
        for (origin, _), count in phase.calls.items():
            if origin not in by_origin:
                left_out[origin] += count
        if left_out:
            print(
                f"{indent}not counted above: "
                + ", ".join(f"{o}: {n} calls" for o, n in sorted(left_out.items()))
            )
    print(
        "  Not counted anywhere: the pumps' own polling (ReceiveMessage, DeleteMessageBatch, GetRecords)\n"
        "  and the benchmark's reads of moto use other boto3 sessions; the caseworker's dossier-view reads\n"
        "  made by the benchmark are counted apart ('view reads')."
    )
    print(f"setup (register + notice, not timed): {setup_s:.0f} s; whole run: {total_s:.0f} s")


# --- main ---------------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--dossiers", type=int, default=1000)
    parser.add_argument(
        "--claims-per-dossier", type=int, default=14, choices=range(1, 51), metavar="K (1-50)"
    )
    parser.add_argument(
        "--csv", action="store_true", help="also upload the same claims as CSV (N more dossiers)"
    )
    parser.add_argument("--quick", action="store_true", help="200 dossiers unless --dossiers says otherwise")
    args = parser.parse_args(argv)
    n = 200 if args.quick and "--dossiers" not in (argv if argv is not None else sys.argv) else args.dossiers
    k = args.claims_per_dossier
    warm_up = WORKERS

    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    began = time.monotonic()
    counter = CallCounter()
    boto3.setup_default_session()  # the services' clients (respite_core.aws) come from this session
    boto3.DEFAULT_SESSION.events.register("before-call", counter)  # type: ignore[union-attr]
    stack = LocalStack(Settings(port=free_port(), ttl_every_s=3600))
    stack.start()
    try:
        bench = Bench(stack, counter, k)
        started = time.monotonic()
        dossiers = bench.setup(0, warm_up + n * (2 if args.csv else 1))
        setup_s = time.monotonic() - started
        print(f"setup: {len(dossiers)} dossiers registered and notified in {setup_s:.0f} s", flush=True)
        bench.intake("warm-up", dossiers[:warm_up], csv=False)  # imports, clients, the secret, the consumer
        phases = [bench.intake("API replies", dossiers[warm_up : warm_up + n], csv=False)]
        print(f"API replies: {phases[0].accepted_s:.1f} s to the last 201", flush=True)
        if args.csv:
            phases.append(bench.intake("CSV uploads", dossiers[warm_up + n :], csv=True))
            print(f"CSV uploads: {phases[1].accepted_s:.1f} s to the last 201", flush=True)
        item = bench.claim_item(dossiers[warm_up].dossier_id)
        floor = bench.floor(n * k, item)
    finally:
        stack.stop()
    report(phases, floor, n * k, item_bytes(item), setup_s, time.monotonic() - began)


if __name__ == "__main__":
    main()
