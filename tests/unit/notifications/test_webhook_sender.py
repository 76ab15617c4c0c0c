"""The sender connects to the checked address only, verifies TLS against the host name, follows no
redirect and gives up after its timeout: each against a real server on 127.0.0.1."""

import datetime as dt
import socket
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from respite_core.ssrf import Endpoint
from respite_notifications.webhooks.sender import post

HOST = "hooks.office.example"  # not in any DNS: only pinning the address can reach it


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def certificate_authority(tmp: Any, host: str) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A CA and a server certificate for `host`: (the server's context, a client trusting the CA)."""
    now = dt.datetime.now(dt.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_ski = x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("Test CA"))
        .issuer_name(_name("Test CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(ca_ski, critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    leaf = (
        x509.CertificateBuilder()
        .subject_name(_name(host))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ca_ski), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    cert_file, key_file = tmp / "server.pem", tmp / "server.key"
    cert_file.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert_file, key_file)
    client = ssl.create_default_context(cadata=ca.public_bytes(serialization.Encoding.PEM).decode())
    return server, client


class Recorder(BaseHTTPRequestHandler):
    answer = 204
    location: str | None = None
    seen: list[dict[str, str]]

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        type(self).seen.append({"host": self.headers.get("Host", ""), "path": self.path})
        self.send_response(self.answer)
        if self.location:
            self.send_header("Location", self.location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


def serve(
    answer: int = 204, location: str | None = None, tls: ssl.SSLContext | None = None
) -> tuple[Any, list[dict[str, str]]]:
    seen: list[dict[str, str]] = []
    handler = type("Handler", (Recorder,), {"answer": answer, "location": location, "seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server, seen


@pytest.fixture
def servers() -> Iterator[list[Any]]:
    started: list[Any] = []
    yield started
    for server in started:
        server.shutdown()
        server.server_close()


def endpoint(scheme: str, host: str, port: int, target: str = "/in") -> Endpoint:
    return Endpoint(scheme, host, port, target, ("127.0.0.1",))


def test_https_goes_to_the_checked_address_and_verifies_the_certificate_against_the_host_name(
    tmp_path: Any, servers: list[Any]
) -> None:
    server_tls, client_tls = certificate_authority(tmp_path, HOST)
    server, seen = serve(tls=server_tls)
    servers.append(server)
    port = server.server_address[1]

    outcome = post(endpoint("https", HOST, port), b"{}", {"webhook-id": "msg_1"}, tls=client_tls)

    assert (outcome.status_code, outcome.delivered, outcome.kind) == (204, True, "http_204")
    assert seen == [{"host": f"{HOST}:{port}", "path": "/in"}]


def test_a_certificate_for_another_name_is_refused(tmp_path: Any, servers: list[Any]) -> None:
    server_tls, client_tls = certificate_authority(tmp_path, "someone-else.example")
    server, seen = serve(tls=server_tls)
    servers.append(server)

    outcome = post(endpoint("https", HOST, server.server_address[1]), b"{}", {}, tls=client_tls)

    assert (outcome.status_code, outcome.error, outcome.delivered) == (None, "tls_error", False)
    assert seen == []


def test_a_redirect_is_a_failed_attempt_and_is_not_followed(servers: list[Any]) -> None:
    inside, inside_seen = serve()
    servers.append(inside)
    bouncer, _ = serve(302, location=f"http://127.0.0.1:{inside.server_address[1]}/admin")
    servers.append(bouncer)

    outcome = post(endpoint("http", "localhost", bouncer.server_address[1]), b"{}", {})

    assert (outcome.status_code, outcome.delivered, outcome.gone) == (302, False, False)
    assert inside_seen == []


def test_410_is_gone() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server, _ = serve(410)
    try:
        outcome = post(endpoint("http", "localhost", server.server_address[1]), b"{}", {})
        assert outcome.gone
        refused = post(endpoint("http", "localhost", port), b"{}", {})
        assert (refused.status_code, refused.kind) == (None, "connection_refused")
    finally:
        server.shutdown()
        server.server_close()


def test_an_endpoint_that_never_answers_times_out() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # accepts the connection (the kernel does), never answers
        outcome = post(endpoint("http", "localhost", silent.getsockname()[1]), b"{}", {}, timeout_s=0.3)
    assert (outcome.status_code, outcome.kind) == (None, "timeout")
    assert 250 <= outcome.duration_ms < 3000
