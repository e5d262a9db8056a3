"""Guard against server-side request forgery through webhook URLs.

A webhook URL is checked when it is registered and again before every delivery: the
host is resolved and every address must be public. The delivery then connects to the
checked address itself, so a DNS answer that changes between check and connect (DNS
rebinding) cannot redirect it to an internal service.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Every block of the IANA IPv4 and IPv6 Special-Purpose Address Registries that is not globally
# reachable, and the ones no receiver lives in (anycast relays, multicast, site-local). The
# ``ipaddress`` flags of Python 3.11 miss several of them (``fec0::/10``, ``64:ff9b:1::/48``,
# ``3fff::/20``, ``5f00::/16``…), so the list is written out rather than trusted to them.
_NOT_GLOBAL = tuple(
    ipaddress.ip_network(net)
    for net in (
        "0.0.0.0/8",  # "This network"
        "10.0.0.0/8",  # Private-Use
        "100.64.0.0/10",  # Shared Address Space
        "127.0.0.0/8",  # Loopback
        "169.254.0.0/16",  # Link Local
        "172.16.0.0/12",  # Private-Use
        "192.0.0.0/24",  # IETF Protocol Assignments (its anycast services are no receivers)
        "192.0.2.0/24",  # Documentation (TEST-NET-1)
        "192.88.99.0/24",  # Deprecated 6to4 Relay Anycast
        "192.168.0.0/16",  # Private-Use
        "198.18.0.0/15",  # Benchmarking
        "198.51.100.0/24",  # Documentation (TEST-NET-2)
        "203.0.113.0/24",  # Documentation (TEST-NET-3)
        "224.0.0.0/4",  # Multicast
        "240.0.0.0/4",  # Reserved, and Limited Broadcast
        "::/96",  # Unspecified, Loopback, IPv4-compatible (deprecated)
        "::ffff:0:0/96",  # IPv4-mapped Address
        "64:ff9b:1::/48",  # IPv4-IPv6 Translation, local use
        "100::/64",  # Discard-Only Address Block
        "100:0:0:1::/64",  # Dummy IPv6 Prefix
        "2001::/23",  # IETF Protocol Assignments (Teredo, Benchmarking, ORCHID…)
        "2001:db8::/32",  # Documentation
        "3fff::/20",  # Documentation
        "5f00::/16",  # Segment Routing (SRv6) SIDs
        "fc00::/7",  # Unique-Local
        "fe80::/10",  # Link-Local Unicast
        "fec0::/10",  # Site-Local (deprecated, RFC 3879)
        "ff00::/8",  # Multicast
    )
)
# Only global unicast IPv6 (IANA IPv6 Address Space) is called: this refuses NAT64 whatever it
# embeds; Teredo falls in 2001::/23; a 6to4 address is judged by the IPv4 address it embeds too.
_GLOBAL_UNICAST_V6 = ipaddress.ip_network("2000::/3")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_METADATA = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
# Hex, octal, bare-integer or shortened IPv4 forms: resolvers read them as addresses.
_NUMERIC_HOST = re.compile(r"^(0x[0-9a-f]+|[0-9]+)(\.(0x[0-9a-f]+|[0-9]+)){0,3}\.?$", re.IGNORECASE)


class UnsafeURLError(ValueError):
    """The URL may not be called: wrong scheme, odd host form or non-public address."""


@dataclass(frozen=True)
class Target:
    scheme: str
    hostname: str
    port: int
    address: str
    path: str

    @property
    def host_header(self) -> str:
        default = 443 if self.scheme == "https" else 80
        host = f"[{self.hostname}]" if ":" in self.hostname else self.hostname
        return host if self.port == default else f"{host}:{self.port}"


def allowed_schemes() -> tuple[str, ...]:
    return ("https", "http") if getattr(settings, "WEBHOOKS_ALLOW_HTTP", False) else ("https",)


def check_url(url: str) -> Target:
    """Resolve ``url`` and return where to connect, or raise ``UnsafeURLError``."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in allowed_schemes():
        raise UnsafeURLError(f"scheme {scheme or '(none)'} is not allowed")
    if parts.username or parts.password:
        raise UnsafeURLError("credentials in the URL are not allowed")
    hostname = (parts.hostname or "").rstrip(".")
    if not hostname:
        raise UnsafeURLError("the URL has no host")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as exc:
        raise UnsafeURLError("invalid port") from exc
    _refuse_odd_host(hostname)
    addresses = resolve(hostname, port)
    for address in addresses:
        check_address(address)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(scheme=scheme, hostname=hostname, port=port, address=str(addresses[0]), path=path)


def _refuse_odd_host(hostname: str) -> None:
    if _NUMERIC_HOST.match(hostname):
        try:
            canonical = str(ipaddress.IPv4Address(hostname))
        except ValueError:
            canonical = None
        if canonical != hostname:
            raise UnsafeURLError("IP addresses must be written in dotted-decimal form")


def resolve(hostname: str, port: int) -> list[IPAddress]:
    try:
        infos = socket.getaddrinfo(hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeURLError("the host name does not resolve") from exc
    addresses = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise UnsafeURLError("the host name does not resolve")
    return addresses


def check_address(address: IPAddress) -> None:
    if any(view in _METADATA for view in _views_of(address)):
        raise UnsafeURLError("the host resolves to a cloud metadata address")
    if _in_test_nets(address):
        return
    for candidate in _views_of(address):
        if _is_forbidden(candidate):
            raise UnsafeURLError("the host resolves to a non-public address")


def _views_of(address: IPAddress) -> list[IPAddress]:
    """The address and any IPv4 address embedded in it (mapped, NAT64, 6to4, Teredo)."""
    views: list[IPAddress] = [address]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            views.append(address.ipv4_mapped)
        if address in _NAT64:
            views.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        if address.sixtofour:
            views.append(address.sixtofour)
        if address.teredo:
            views.extend(address.teredo)
    return views


def _is_forbidden(address: IPAddress) -> bool:
    return (
        address in _METADATA
        or any(address in net for net in _NOT_GLOBAL)
        or (isinstance(address, ipaddress.IPv6Address) and address not in _GLOBAL_UNICAST_V6)
        or address.is_loopback
        or address.is_private
        or address.is_link_local
        or address.is_multicast
        or address.is_unspecified
        or address.is_reserved
        or not address.is_global
    )


def _in_test_nets(address: IPAddress) -> bool:
    """Networks a test may allow (e.g. 127.0.0.1/32 for a local receiver); empty by default."""
    nets = getattr(settings, "WEBHOOKS_ALLOWED_TEST_NETS", ())
    return any(address in ipaddress.ip_network(net) for net in nets)
