"""The vertical slice on the local stack: how long a registration takes, how long until the agency's
feed shows it, and how many AWS calls it costs — beside a bare PutItem to the same moto (the floor).

    make bench            (or: .venv/bin/python bench/slice.py [N])
"""

import os
import statistics
import sys
import time
from collections import Counter

import boto3
import requests
from support import count_calls, percentile, registration

from respite_infra.local.moto_process import free_port
from respite_infra.local.seed import DEMO_PASSWORD
from respite_infra.local.stack import LocalStack, Settings


def main(n: int = 200) -> None:
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    calls: Counter[str] = Counter()
    boto3.setup_default_session()  # the services' clients (respite_core.aws) come from this session
    boto3.DEFAULT_SESSION.events.register("before-call", count_calls(calls))  # type: ignore[union-attr]
    stack = LocalStack(Settings(port=free_port(), ttl_every_s=60))
    stack.start()
    try:
        base = f"http://127.0.0.1:{stack.settings.port}"
        session = requests.Session()
        token = session.post(
            f"{base}/local/sign-in", json={"username": "anna@ocmw-gent.example", "password": DEMO_PASSWORD}
        ).json()["id_token"]
        headers = {"Authorization": f"Bearer {token}"}
        for serial in range(10_000, 10_010):  # warm-up: imports, clients, the secret
            session.post(
                f"{base}/consent/dossiers", json=registration(serial, "Mark"), headers=headers
            ).raise_for_status()

        calls.clear()
        register_ms, visible_ms = [], []
        for serial in range(n):
            started = time.perf_counter()
            response = session.post(
                f"{base}/consent/dossiers", json=registration(serial, "Mark"), headers=headers
            )
            registered = time.perf_counter()
            response.raise_for_status()
            dossier_id = response.json()["dossier_id"]
            while not any(
                item["dossier_id"] == dossier_id
                for item in session.get(f"{base}/notifications/feed", headers=headers).json()["items"]
            ):
                time.sleep(0.005)
            register_ms.append((registered - started) * 1000)
            visible_ms.append((time.perf_counter() - started) * 1000)
        feed_reads = calls.pop("dynamodb:Query", 0)  # the benchmark's own polling of the feed

        dynamodb = boto3.Session(region_name="eu-west-1").client("dynamodb")  # not counted
        table = stack.environment["RESPITE_TABLE_FEED"]
        put_ms = []
        for serial in range(n):
            started = time.perf_counter()
            dynamodb.put_item(TableName=table, Item={"PK": {"S": "BENCH"}, "SK": {"S": f"{serial:06d}"}})
            put_ms.append((time.perf_counter() - started) * 1000)
    finally:
        stack.stop()

    floor = statistics.median(put_ms)
    print(f"vertical slice on the local stack, {n} registrations, sequential")
    print(f"{'figure':44} {'p50 ms':>8} {'p95 ms':>8} {'p50 / floor':>12}")
    for name, values in (
        ("bare PutItem to the same moto (floor)", put_ms),
        ("POST /consent/dossiers -> 201", register_ms),
        ("POST -> visible in GET /notifications/feed", visible_ms),
    ):
        p50 = statistics.median(values)
        print(f"{name:44} {p50:8.1f} {percentile(values, 0.95):8.1f} {p50 / floor:11.1f}x")
    print("AWS calls per registration (services' clients, consumer included):")
    for call, count in sorted(calls.items()):
        print(f"  {call:40} {count / n:5.2f}")
    print(f"  (feed polling by the benchmark itself: {feed_reads} Query calls, not counted)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
