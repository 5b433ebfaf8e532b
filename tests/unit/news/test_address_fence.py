"""The feed fetcher's address fence on IPv6 forms that carry an IPv4 address: NAT64,
6to4 and IPv4-mapped addresses end at the IPv4 address inside, and are judged by it."""
import pytest

from services.news.ingest import allowed_networks, is_public, names_public_host

INSIDE = ["127.0.0.1", "10.0.0.5", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0"]


@pytest.mark.parametrize("ipv4", INSIDE)
def test_nat64_6to4_and_mapped_addresses_of_a_private_ipv4_are_refused(ipv4):
    a, b, c, d = (int(part) for part in ipv4.split("."))
    for address in (f"64:ff9b::{ipv4}",  # NAT64 well-known prefix
                    f"2002:{a:02x}{b:02x}:{c:02x}{d:02x}::1",  # 6to4
                    f"::ffff:{ipv4}"):  # IPv4-mapped
        assert not is_public(address), address
        assert not names_public_host(f"http://[{address}]/rss.xml"), address


def test_the_same_forms_of_a_public_ipv4_stay_public_and_other_ranges_are_not():
    for address in ("64:ff9b::8.8.8.8", "2002:808:808::1", "::ffff:8.8.8.8", "2606:4700::6810:84e5",
                    "8.8.8.8"):
        assert is_public(address), address
    for address in ("64:ff9b:1::808:808",  # local-use NAT64 (RFC 8215)
                    "::127.0.0.1", "::8.8.8.8",  # deprecated IPv4-compatible
                    "::1", "fe80::1", "fc00::1", "2001:db8::1", "ff02::1",
                    "2001:0:4136:e378:8000:63bf:3fff:fdd2"):  # Teredo
        assert not is_public(address), address


def test_an_allowed_network_still_allows_its_addresses_in_every_form():
    allowed = allowed_networks("127.0.0.1/32")
    assert is_public("127.0.0.1", allowed) and is_public("::ffff:127.0.0.1", allowed)
    assert is_public("64:ff9b::127.0.0.1", allowed)
    assert not is_public("64:ff9b::10.0.0.1", allowed)
