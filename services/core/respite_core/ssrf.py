"""The SSRF guard: a webhook goes only to a public HTTPS endpoint, and to the address that was checked.

An office's `webhook_url` is data an operator or the office itself typed in. Without a guard the
sender would POST from inside the platform's network wherever it points: the instance metadata
service (169.254.169.254), a VPC-internal service, localhost. So, when the URL is set (at an office's
registration, or when the office changes it: refused at once, with the reason) and again before every
attempt (what a name resolves to can change):

- the scheme must be `https`; plain `http` only to loopback, and only where loopback is allowed;
- no credentials in the URL (`user:pass@`), a valid port;
- the host is resolved (`getaddrinfo`, so decimal `2130706433`, octal `0177.0.0.1`, hex `0x7f.1` and
  shortened `127.1` hosts are normalised by the resolver to the address they really mean) and EVERY
  address must be globally routable: no private (10/8, 172.16/12, 192.168/16, IPv6 unique-local
  fc00::/7), loopback (unless allowed), link-local (169.254/16, with the metadata address; fe80::/10),
  multicast, reserved, unspecified, shared (100.64/10) or documentation/benchmark ranges. An IPv6
  address that embeds an IPv4 one (IPv4-mapped `::ffff:a.b.c.d`, 6to4, Teredo, NAT64 `64:ff9b::/96`)
  is judged by the embedded address too.

DNS rebinding (the name answers a public address to the check and a private one to the connection)
is defeated by never resolving twice: `resolve_endpoint` returns the checked addresses and the
sender connects to one of them itself (the TLS handshake still verifies the certificate against the
host name, sent as SNI and in the `Host` header). Redirects are never followed (a 3xx is a failed
attempt), so a public endpoint cannot bounce the request inward either.

Loopback is allowed only when `RESPITE_WEBHOOKS_ALLOW_LOOPBACK=1`, which the local stack sets (its
demo receivers listen on 127.0.0.1). It is never set in AWS, and anything other than "1" means no.
"""

import ipaddress
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from respite_core import settings

ALLOW_LOOPBACK_VARIABLE = settings.variable("webhooks_allow_loopback")

type IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
type Resolver = Callable[[str, int], Sequence[str]]

_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class UnsafeEndpoint(ValueError):
    """The URL may not be called: a permanent refusal (retrying will not change the answer)."""


class UnresolvableEndpoint(OSError):
    """The host name did not resolve: may be transient (DNS), so the attempt is retried."""


def loopback_allowed() -> bool:
    """Whether loopback endpoints are allowed here: only the local stack says so."""
    return settings.current().webhooks_allow_loopback


@dataclass(frozen=True)
class Endpoint:
    """A checked endpoint: where to connect (`addresses`, all checked) and what to ask for."""

    scheme: str
    host: str  # as in the URL (for SNI, certificate verification and the Host header)
    port: int
    target: str  # path and query, e.g. "/hooks/respite?v=1"
    addresses: tuple[str, ...]


def resolve_with_getaddrinfo(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        raise UnresolvableEndpoint("the webhook host does not resolve") from error
    # keep the resolver's order (it prefers what it can reach), drop duplicates and any zone id
    return list(dict.fromkeys(str(info[4][0]).split("%", 1)[0] for info in infos))


def check_endpoint(url: str, allow_loopback: bool, *, resolve: Resolver = resolve_with_getaddrinfo) -> None:
    """Raise `UnsafeEndpoint` unless `url` may be called (see the module's rules)."""
    resolve_endpoint(url, allow_loopback, resolve=resolve)


def resolve_endpoint(
    url: str, allow_loopback: bool, *, resolve: Resolver = resolve_with_getaddrinfo
) -> Endpoint:
    """The endpoint `url` names, with its checked addresses; `UnsafeEndpoint` when it may not be called,
    `UnresolvableEndpoint` when its host does not resolve."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise UnsafeEndpoint("the URL is malformed or its port is invalid") from None
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        raise UnsafeEndpoint("only https URLs are allowed")
    if scheme == "http" and not allow_loopback:
        raise UnsafeEndpoint("only https URLs are allowed")
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise UnsafeEndpoint("credentials in the URL are not allowed")
    host = parts.hostname
    if not host:
        raise UnsafeEndpoint("the URL has no host")
    port = (443 if scheme == "https" else 80) if port is None else port
    if not 0 < port < 65536:
        raise UnsafeEndpoint("the port is invalid")
    addresses = _literal(host) or tuple(resolve(host, port))
    if not addresses:
        raise UnresolvableEndpoint("the webhook host does not resolve")
    for address in addresses:
        reason = unsafe_reason(ipaddress.ip_address(address), allow_loopback=allow_loopback)
        if reason is not None:
            raise UnsafeEndpoint(f"the host resolves to a {reason} address")
    if scheme == "http" and not all(_is_loopback(ipaddress.ip_address(a)) for a in addresses):
        raise UnsafeEndpoint("only https URLs are allowed (http only to loopback, locally)")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Endpoint(scheme, host, port, target, addresses)


def _literal(host: str) -> tuple[str, ...]:
    """An IP literal host as is (IPv6 without brackets, as `urlsplit` gives it); () for a name."""
    try:
        return (str(ipaddress.ip_address(host.split("%", 1)[0])),)
    except ValueError:
        return ()


def embedded_ipv4(address: IpAddress) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries (mapped, 6to4, Teredo, NAT64)."""
    if isinstance(address, ipaddress.IPv4Address):
        return []
    found: list[ipaddress.IPv4Address] = []
    if address.ipv4_mapped is not None:
        found.append(address.ipv4_mapped)
    if address.sixtofour is not None:
        found.append(address.sixtofour)
    if address.teredo is not None:
        found.extend(address.teredo)
    if address in _NAT64:
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return found


def _is_loopback(address: IpAddress) -> bool:
    return address.is_loopback or any(v4.is_loopback for v4 in embedded_ipv4(address))


def unsafe_reason(address: IpAddress, *, allow_loopback: bool) -> str | None:
    """Why a webhook may not go to `address` (e.g. "link-local"), or None when it may."""
    for candidate in (address, *embedded_ipv4(address)):
        reason = _reason(candidate, allow_loopback=allow_loopback)
        if reason is not None:
            return reason
    return None


def _reason(address: IpAddress, *, allow_loopback: bool) -> str | None:
    if address.is_loopback:
        return None if allow_loopback else "loopback"
    if isinstance(address, ipaddress.IPv6Address) and (address.ipv4_mapped is not None or address in _NAT64):
        return None  # judged by the IPv4 address it carries (`unsafe_reason` checks that too)
    if address.is_unspecified:
        return "unspecified"
    if address.is_link_local:
        return "link-local"
    if address.is_multicast:
        return "multicast"
    if address.is_private:
        return "private"
    if address.is_reserved:
        return "reserved"
    if not address.is_global:
        return "non-global"
    return None
