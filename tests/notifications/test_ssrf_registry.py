"""The SSRF guard against every block of the IANA special-purpose address registries.

One address from each block of the IANA IPv4 and IPv6 Special-Purpose Address Registries that
is not globally reachable (and from the anycast relays, multicast and site-local blocks, where
no webhook receiver lives), plus the forms that embed one of them in an IPv6 address.
"""

from __future__ import annotations

import ipaddress

import pytest

from certificates.notifications.ssrf import UnsafeURLError, check_address

# (registry entry, address) — IANA IPv4 Special-Purpose Address Registry.
IPV4_SPECIAL_PURPOSE = [
    ("0.0.0.0/8 This network", "0.1.2.3"),
    ("0.0.0.0/32 This host on this network", "0.0.0.0"),  # noqa: S104 - refused, not bound
    ("10.0.0.0/8 Private-Use", "10.20.30.40"),
    ("100.64.0.0/10 Shared Address Space", "100.127.255.254"),
    ("127.0.0.0/8 Loopback", "127.8.9.10"),
    ("169.254.0.0/16 Link Local", "169.254.1.1"),
    ("172.16.0.0/12 Private-Use", "172.31.0.1"),
    ("192.0.0.0/24 IETF Protocol Assignments", "192.0.0.100"),
    ("192.0.0.0/29 IPv4 Service Continuity Prefix", "192.0.0.2"),
    ("192.0.0.8/32 IPv4 dummy address", "192.0.0.8"),
    ("192.0.0.9/32 Port Control Protocol Anycast", "192.0.0.9"),
    ("192.0.0.10/32 Traversal Using Relays around NAT Anycast", "192.0.0.10"),
    ("192.0.0.170/32 NAT64/DNS64 Discovery", "192.0.0.170"),
    ("192.0.0.171/32 NAT64/DNS64 Discovery", "192.0.0.171"),
    ("192.0.2.0/24 Documentation (TEST-NET-1)", "192.0.2.1"),
    ("192.88.99.0/24 Deprecated (6to4 Relay Anycast)", "192.88.99.1"),
    ("192.168.0.0/16 Private-Use", "192.168.100.1"),
    ("198.18.0.0/15 Benchmarking", "198.19.255.1"),
    ("198.51.100.0/24 Documentation (TEST-NET-2)", "198.51.100.7"),
    ("203.0.113.0/24 Documentation (TEST-NET-3)", "203.0.113.9"),
    ("224.0.0.0/4 Multicast (IPv4 Multicast Address Space Registry)", "239.1.2.3"),
    ("240.0.0.0/4 Reserved", "250.1.2.3"),
    ("255.255.255.255/32 Limited Broadcast", "255.255.255.255"),
]

# IANA IPv6 Special-Purpose Address Registry, and the IPv6 Address Space registry's site-local
# and multicast blocks.
IPV6_SPECIAL_PURPOSE = [
    ("::1/128 Loopback Address", "::1"),
    ("::/128 Unspecified Address", "::"),
    ("::ffff:0:0/96 IPv4-mapped Address (public IPv4 inside)", "::ffff:8.8.8.8"),
    ("::/96 IPv4-compatible Address (deprecated)", "::8.8.8.8"),
    ("64:ff9b::/96 IPv4-IPv6 Translat. (public IPv4 inside)", "64:ff9b::808:808"),
    ("64:ff9b:1::/48 IPv4-IPv6 Translat. (local use)", "64:ff9b:1::1"),
    ("100::/64 Discard-Only Address Block", "100::1"),
    ("100:0:0:1::/64 Dummy IPv6 Prefix", "100:0:0:1::1"),
    ("2001::/23 IETF Protocol Assignments", "2001:1ff::1"),
    ("2001::/32 TEREDO (public IPv4 inside)", "2001:0:4136:e378:8000:63bf:f7f7:f7f7"),
    ("2001:1::1/128 Port Control Protocol Anycast", "2001:1::1"),
    ("2001:1::2/128 Traversal Using Relays around NAT Anycast", "2001:1::2"),
    ("2001:1::3/128 DNS-SD Service Registration Protocol Anycast", "2001:1::3"),
    ("2001:2::/48 Benchmarking", "2001:2::1"),
    ("2001:3::/32 AMT", "2001:3::1"),
    ("2001:4:112::/48 AS112-v6", "2001:4:112::1"),
    ("2001:10::/28 Deprecated (previously ORCHID)", "2001:10::1"),
    ("2001:20::/28 ORCHIDv2", "2001:20::1"),
    ("2001:30::/28 Drone Remote ID Protocol Entity Tags (DETs) Prefix", "2001:30::1"),
    ("2001:db8::/32 Documentation", "2001:db8::1"),
    ("3fff::/20 Documentation", "3fff:0:1::1"),
    ("5f00::/16 Segment Routing (SRv6) SIDs", "5f00::1"),
    ("fc00::/7 Unique-Local", "fd12:3456::1"),
    ("fe80::/10 Link-Local Unicast", "fe80::1"),
    ("fec0::/10 Site-Local (deprecated, IPv6 Address Space registry)", "fec0::1"),
    ("ff00::/8 Multicast (IPv6 Address Space registry)", "ff02::1"),
    ("outside 2000::/3 (IPv6 Address Space registry: Reserved by IETF)", "4000::1"),
]

# Public IPv6 forms that carry a non-public IPv4 address.
EMBEDDED_PRIVATE_IPV4 = [
    ("IPv4-mapped loopback", "::ffff:127.0.0.1"),
    ("IPv4-mapped Private-Use", "::ffff:10.0.0.1"),
    ("IPv4-compatible Private-Use", "::192.168.0.1"),
    ("NAT64 well-known prefix, Private-Use", "64:ff9b::a00:1"),
    ("NAT64 well-known prefix, Shared Address Space", "64:ff9b::6440:1"),
    ("6to4, Private-Use", "2002:c0a8:101::1"),
    ("6to4, Loopback", "2002:7f00:1::1"),
    ("6to4, Benchmarking", "2002:c612:1::1"),
    ("Teredo, Private-Use client", "2001:0:4136:e378:8000:63bf:3ff5:fefe"),
]

GLOBAL_ADDRESSES = [
    "8.8.8.8",
    "1.1.1.1",
    "93.184.215.14",
    "2606:4700:4700::1111",
    "2a00:1450:4001:81c::200e",
    "2002:808:808::1",  # 6to4 of a public IPv4 address
]


@pytest.mark.parametrize(
    ("block", "address"),
    IPV4_SPECIAL_PURPOSE + IPV6_SPECIAL_PURPOSE + EMBEDDED_PRIVATE_IPV4,
    ids=lambda value: value,
)
def test_the_guard_refuses_every_special_purpose_block(block, address):
    with pytest.raises(UnsafeURLError):
        check_address(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", GLOBAL_ADDRESSES)
def test_the_guard_allows_global_addresses(address):
    check_address(ipaddress.ip_address(address))


def test_each_table_address_lies_in_the_block_it_names():
    for block, address in IPV4_SPECIAL_PURPOSE + IPV6_SPECIAL_PURPOSE:
        network = block.split()[0]
        if "/" in network:
            assert ipaddress.ip_address(address) in ipaddress.ip_network(network), block
