"""What the benchmarks share: percentiles, realistic people and claims, and counting the AWS calls the
services make (botocore hooks on the services' boto3 session)."""

import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import boto3


def percentile(values: Sequence[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def be_national_number(born: date, serial: int) -> str:
    digits = f"{born:%y%m%d}{serial:03d}"
    return digits + f"{97 - int(digits) % 97:02d}"


def be_company_number(serial: int) -> str:
    """A KBO number that passes its check (the first eight digits mod 97, complemented)."""
    first = f"0{4_000_000 + serial:07d}"
    return first + f"{97 - int(first) % 97:02d}"


def registration(index: int, family_name: str = "Intake") -> dict[str, Any]:
    """A Belgian person with consent given in person; `index` makes the national number unique."""
    born = date(1950, 1, 1) + timedelta(days=index // 900)  # 900 people per birth date
    return {
        "person": {
            "national_number": {"country": "BE", "number": be_national_number(born, 1 + index % 900)},
            "given_names": "Bench",
            "family_name": f"{family_name}{index}",
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


def claims_csv(claims: Iterable[dict[str, Any]]) -> bytes:
    """The claims as the documented CSV (docs/claims-csv.md): amounts in euros with a decimal comma."""

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


@dataclass(frozen=True)
class AwsCall:
    name: str  # "dynamodb:Query"
    params: dict[str, Any]  # as the service passed them
    answer: dict[str, Any]  # as botocore parsed it
    thread: str  # who called: a pump's thread is named after its function, the API's are not


def count_calls(counter: Counter[str]) -> Callable[..., None]:
    """A botocore `before-call` hook adding each call to `counter` as "service:Operation"."""

    def on_call(model: Any, **_: Any) -> None:
        counter[f"{model.service_model.service_name}:{model.name}"] += 1

    return on_call


class AwsCalls:
    """Every call the services' clients make, with its parameters and answer (the cost model prices
    them). Hooked on boto3's default session before the stack starts, so every client the services
    create is counted; the benchmarks' own clients use other sessions and are not."""

    def __init__(self) -> None:
        self._calls: list[AwsCall] = []
        self._lock = threading.Lock()

    def hook(self) -> None:
        boto3.setup_default_session()  # the services' clients (respite_core.aws) come from this session
        assert boto3.DEFAULT_SESSION is not None
        boto3.DEFAULT_SESSION.events.register("before-parameter-build", self._note_params)
        boto3.DEFAULT_SESSION.events.register("after-call", self._record)

    @staticmethod
    def _note_params(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context["bench_params"] = dict(params)

    def _record(self, model: Any, parsed: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        """Once per API call (a retried attempt is not a new call)."""
        name = f"{model.service_model.service_name}:{model.name}"
        call = AwsCall(name, context.get("bench_params", {}), parsed, threading.current_thread().name)
        with self._lock:
            self._calls.append(call)

    def count(self) -> int:
        with self._lock:
            return len(self._calls)

    def take(self) -> list[AwsCall]:
        """The calls since the last take."""
        with self._lock:
            calls, self._calls = self._calls, []
            return calls


def by_name(calls: Sequence[AwsCall]) -> Counter[str]:
    return Counter(call.name for call in calls)
