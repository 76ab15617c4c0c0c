"""One HTTP POST of a webhook, to the address the SSRF guard checked, without following redirects.

`http.client` (the standard library under `urllib.request`) is used directly: it never follows a
redirect, and its connection can be pointed at the checked IP address while the TLS handshake (SNI,
certificate verification) and the `Host` header still use the URL's host name. `requests` is not a
runtime dependency. What an attempt came to is an `Outcome`: the status code or the kind of error —
never the response body or an exception's message (they are the receiver's words, not ours to log).
"""

import http.client
import socket
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from respite_core.ssrf import Endpoint

TIMEOUT_S = 10.0
USER_AGENT = "Respite-Webhooks/1.0"
_MAX_RESPONSE_READ = 4096  # read (and drop) a little of the answer so the connection closes cleanly


@dataclass(frozen=True)
class Outcome:
    status_code: int | None  # None when no HTTP answer came
    error: str | None  # "timeout", "connection_refused", "connection_error", "tls_error", "protocol_error"
    duration_ms: int

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    @property
    def gone(self) -> bool:
        return self.status_code == 410

    @property
    def kind(self) -> str:
        """For the attempt record: "http_503", "timeout", ..."""
        return f"http_{self.status_code}" if self.status_code is not None else str(self.error)


def _connection(
    endpoint: Endpoint, address: str, timeout_s: float, tls: ssl.SSLContext | None
) -> http.client.HTTPConnection:
    connection: http.client.HTTPConnection
    if endpoint.scheme == "https":
        context = tls or ssl.create_default_context()  # verifies the certificate against the host name
        connection = http.client.HTTPSConnection(
            endpoint.host, endpoint.port, timeout=timeout_s, context=context
        )
    else:
        connection = http.client.HTTPConnection(endpoint.host, endpoint.port, timeout=timeout_s)

    def pinned(where: tuple[str, int], timeout: Any = None, source: Any = None) -> socket.socket:
        # the host name is never resolved again: connect to the checked address (no DNS rebinding)
        return socket.create_connection((address, where[1]), timeout, source)

    connection._create_connection = pinned  # type: ignore[attr-defined]
    return connection


def post(
    endpoint: Endpoint,
    body: bytes,
    headers: Mapping[str, str],
    *,
    timeout_s: float = TIMEOUT_S,
    tls: ssl.SSLContext | None = None,
) -> Outcome:
    """POST `body` to the endpoint's first checked address. `tls` replaces the system's trust store
    (tests with their own certificate authority); certificates are always verified."""
    started = time.monotonic()

    def done(status: int | None, error: str | None) -> Outcome:
        return Outcome(status, error, int((time.monotonic() - started) * 1000))

    connection = _connection(endpoint, endpoint.addresses[0], timeout_s, tls)
    sent = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Content-Length": str(len(body)),
        **headers,
    }
    try:
        connection.request("POST", endpoint.target, body=body, headers=sent)
        response = connection.getresponse()
        response.read(_MAX_RESPONSE_READ)
        return done(response.status, None)
    except TimeoutError:
        return done(None, "timeout")
    except ConnectionRefusedError:
        return done(None, "connection_refused")
    except ssl.SSLError:
        return done(None, "tls_error")
    except http.client.HTTPException:
        return done(None, "protocol_error")
    except OSError:
        return done(None, "connection_error")
    finally:
        connection.close()
