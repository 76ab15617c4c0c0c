"""The SSRF guard: https to public addresses only; loopback only where the local stack allows it."""

import ipaddress
from collections.abc import Sequence

import pytest

from respite_core.ssrf import (
    ALLOW_LOOPBACK_VARIABLE,
    UnresolvableEndpoint,
    UnsafeEndpoint,
    check_endpoint,
    loopback_allowed,
    resolve_endpoint,
    resolve_with_getaddrinfo,
    unsafe_reason,
)

PUBLIC_V4, PUBLIC_V6 = "93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"
UNSPECIFIED = "0.0.0.0"  # noqa: S104 - an address to refuse, not one to bind

# what a (possibly hostile) DNS answers for these names
DNS: dict[str, Sequence[str]] = {
    "hooks.office.example": [PUBLIC_V4, PUBLIC_V6],
    "metadata.evil.example": ["169.254.169.254"],
    "intranet.evil.example": ["10.0.0.7"],
    "mixed.evil.example": [PUBLIC_V4, "192.168.1.1"],  # one bad address is enough to refuse
    "v6-private.evil.example": ["fd12:3456::1"],
    "v6-mapped.evil.example": ["::ffff:10.1.2.3"],
    "localhost": ["127.0.0.1", "::1"],
}


def fake_dns(host: str, port: int) -> Sequence[str]:
    if host not in DNS:
        raise UnresolvableEndpoint("no such host")
    return DNS[host]


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.8.9.10",
        "::1",
        "10.0.0.1",
        "172.16.5.4",
        "192.168.0.1",
        "169.254.169.254",  # the instance metadata service
        "169.254.0.1",
        "fe80::1",
        "fc00::1",
        "fd00:ec2::254",  # the metadata service over IPv6
        UNSPECIFIED,
        "::",
        "100.64.0.1",  # carrier-grade NAT (shared address space)
        "224.0.0.251",
        "ff02::1",
        "240.0.0.1",
        "255.255.255.255",
        "192.0.2.10",  # documentation
        "198.18.0.1",  # benchmarking
        "::ffff:127.0.0.1",  # IPv4-mapped IPv6
        "::ffff:169.254.169.254",
        "::ffff:10.0.0.1",
        "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
        "2002:a00:1::",  # 6to4 of 10.0.0.1
    ],
)
def test_non_public_addresses_are_refused(address: str) -> None:
    assert unsafe_reason(ipaddress.ip_address(address), allow_loopback=False) is not None


@pytest.mark.parametrize("address", [PUBLIC_V4, PUBLIC_V6, "8.8.8.8", "64:ff9b::808:808"])
def test_public_addresses_pass(address: str) -> None:
    assert unsafe_reason(ipaddress.ip_address(address), allow_loopback=False) is None


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("10.0.0.1", "private"),
        ("fc00::1", "private"),
        ("127.0.0.1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        (UNSPECIFIED, "unspecified"),
        ("224.0.0.1", "multicast"),
        ("100.64.0.1", "non-global"),
    ],
)
def test_the_refusal_names_the_kind_of_address(address: str, reason: str) -> None:
    assert unsafe_reason(ipaddress.ip_address(address), allow_loopback=False) == reason


def test_loopback_passes_only_when_allowed_and_nothing_else_does() -> None:
    for loopback in ("127.0.0.1", "::1", "::ffff:127.0.0.1"):
        assert unsafe_reason(ipaddress.ip_address(loopback), allow_loopback=True) is None
    for other in ("10.0.0.1", "169.254.169.254", "fe80::1", UNSPECIFIED):
        assert unsafe_reason(ipaddress.ip_address(other), allow_loopback=True) is not None


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.office.example/respite",  # plain http to the internet
        "ftp://hooks.office.example/",
        "file:///etc/passwd",
        "gopher://hooks.office.example/",
        "https://metadata.evil.example/latest/meta-data/",
        "https://intranet.evil.example/",
        "https://mixed.evil.example/",
        "https://v6-private.evil.example/",
        "https://v6-mapped.evil.example/",
        "https://169.254.169.254/latest/meta-data/",
        "https://[fe80::1]/",
        "https://[::ffff:169.254.169.254]/",
        "https://[::1]:8443/",
        "https://127.0.0.1/",
        "https://localhost/",
        "https://user:secret@hooks.office.example/",
        "https://hooks.office.example:99999/",
        "https:///no-host",
        "not a url",
    ],
)
def test_unsafe_urls_are_refused(url: str) -> None:
    with pytest.raises(UnsafeEndpoint):
        check_endpoint(url, allow_loopback=False, resolve=fake_dns)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://localhost:8080/hook",
        "http://[::1]:8080/hook",
        "https://127.0.0.1:8443/hook",
    ],
)
def test_the_local_stack_may_call_loopback_over_http(url: str) -> None:
    check_endpoint(url, allow_loopback=True, resolve=fake_dns)
    with pytest.raises(UnsafeEndpoint):
        check_endpoint(url, allow_loopback=False, resolve=fake_dns)


def test_allowing_loopback_allows_neither_http_to_the_internet_nor_private_addresses() -> None:
    for url in (
        "http://hooks.office.example/",
        "https://intranet.evil.example/",
        "http://metadata.evil.example/",
        "http://169.254.169.254/",
    ):
        with pytest.raises(UnsafeEndpoint):
            check_endpoint(url, allow_loopback=True, resolve=fake_dns)


def test_a_public_https_endpoint_resolves_to_its_checked_addresses() -> None:
    endpoint = resolve_endpoint("https://hooks.office.example/respite/in?v=2#frag", False, resolve=fake_dns)

    assert (endpoint.scheme, endpoint.host, endpoint.port) == ("https", "hooks.office.example", 443)
    assert endpoint.target == "/respite/in?v=2"
    assert endpoint.addresses == (PUBLIC_V4, PUBLIC_V6)  # the sender connects to these, never re-resolves


def test_an_unresolvable_host_is_a_transient_failure_not_a_refusal() -> None:
    with pytest.raises(UnresolvableEndpoint):
        check_endpoint("https://nowhere.invalid/", allow_loopback=False, resolve=fake_dns)


@pytest.mark.parametrize(
    "host",
    ["2130706433", "0x7f.1", "0177.0.0.1", "017700000001", "127.1", "0x7f000001"],
)
def test_decimal_octal_hex_and_short_hosts_are_judged_by_what_the_resolver_makes_of_them(host: str) -> None:
    """getaddrinfo reads these as inet_aton does: all of them are 127.0.0.1."""
    assert resolve_with_getaddrinfo(host, 443) == ["127.0.0.1"]
    with pytest.raises(UnsafeEndpoint, match="loopback"):
        check_endpoint(f"https://{host}/", allow_loopback=False)


def test_loopback_is_allowed_only_by_the_exact_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ALLOW_LOOPBACK_VARIABLE, raising=False)
    assert loopback_allowed() is False
    for value in ("true", "yes", "0", ""):
        monkeypatch.setenv(ALLOW_LOOPBACK_VARIABLE, value)
        assert loopback_allowed() is False
    monkeypatch.setenv(ALLOW_LOOPBACK_VARIABLE, "1")
    assert loopback_allowed() is True
