"""Fetching an external RSS/Atom feed (a province portal, say) with feedparser.

The HTTP fetch has a deadline and sends the validators the feed gave last
time (ETag, Last-Modified), so an unchanged feed costs a 304. Whatever goes
wrong comes back as FeedError with a one-line reason to record; the reason is
shown to editors, so it says what failed, never what an internal host answered.

An editor's URL must not reach inside our network (the broker's management
API, the store, cloud metadata): every connection, redirects included, is
checked at connect time against the address it actually reached, so a DNS
answer that changes between check and use gains nothing. Private, loopback,
link-local and other non-public addresses are refused unless a network is
allowed in config (`FEED_ALLOWED_NETWORKS`, for tests' local feed servers).
"""
import calendar
import ipaddress
import socket
from datetime import datetime, timezone
from urllib.parse import urlsplit

import feedparser
import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

FETCH_TIMEOUT = 5
MAX_FEED_BYTES = 5 * 1024 * 1024
USER_AGENT = "TangerangLive-News/1.0 (+feed ingestion)"


MAX_REDIRECTS = 5


class FeedError(Exception):
    """The feed could not be fetched or read; the message says why."""


class AddressRefused(Exception):
    """The feed's host resolved to an address we do not fetch from (not an OSError, so
    urllib3 does not retry or wrap it)."""


def allowed_networks(value):
    """`FEED_ALLOWED_NETWORKS` ("127.0.0.1/32, 10.1.0.0/16" or a list) as networks."""
    items = value.split(",") if isinstance(value, str) else (value or [])
    return tuple(ipaddress.ip_network(item.strip()) for item in items if item.strip())


# IPv6 ranges that carry an IPv4 address a gateway forwards to: Python's is_global calls them
# public whatever they carry, so the fence looks at the IPv4 address inside.
NAT64 = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052 well-known prefix: the last 32 bits
NEVER_PUBLIC_V6 = (ipaddress.ip_network("64:ff9b:1::/48"),  # RFC 8215 local-use NAT64
                   ipaddress.ip_network("::/96"))  # deprecated IPv4-compatible (::1 and :: too)


def routed_to(ip):
    """The address packets to `ip` end at: the IPv4 one inside an IPv4-mapped, 6to4
    (2002::/16) or NAT64 address, else `ip` itself; None for ranges never fetched from."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return ip
    if any(ip in network for network in NEVER_PUBLIC_V6):
        return None
    if ip in NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFF_FFFF)
    return ip.ipv4_mapped or ip.sixtofour or ip


def is_public(address, allowed=()):
    ip = ipaddress.ip_address(address.split("%")[0])
    if any(ip in network for network in allowed):
        return True
    ip = routed_to(ip)
    if ip is None:
        return False
    if any(ip in network for network in allowed):
        return True
    return ip.is_global and not ip.is_multicast


def names_public_host(url, allowed=()):
    """False for a URL that names a non-public host outright (an IP literal, localhost);
    host names are resolved, and checked, when the feed is fetched."""
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return any(ipaddress.ip_address("127.0.0.1") in network for network in allowed)
    try:
        return is_public(host, allowed)
    except ValueError:
        return True


def _fenced(connection_class: type, allowed):
    class Fenced(connection_class):
        def _new_conn(self):
            # before connecting (an unroutable private address would only time out), and
            # again on the address actually reached (the name may resolve differently now)
            try:
                resolved = {info[4][0] for info in socket.getaddrinfo(self._dns_host, self.port)}
            except OSError:
                resolved = set()
            if not all(is_public(address, allowed) for address in resolved):
                raise AddressRefused("the feed's address is not a public one")
            sock = super()._new_conn()
            if not is_public(sock.getpeername()[0], allowed):
                sock.close()
                raise AddressRefused("the feed's address is not a public one")
            return sock
    return Fenced


class FencedAdapter(HTTPAdapter):
    """Every connection this adapter opens is checked against the public-address rule."""

    def __init__(self, allowed=()):
        self.allowed = allowed
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        http = type("FencedHTTPPool", (HTTPConnectionPool,),
                    {"ConnectionCls": _fenced(HTTPConnection, self.allowed)})
        https = type("FencedHTTPSPool", (HTTPSConnectionPool,),
                     {"ConnectionCls": _fenced(HTTPSConnection, self.allowed)})
        self.poolmanager.pool_classes_by_scheme = {"http": http, "https": https}
        self.poolmanager.key_fn_by_scheme = dict(self.poolmanager.key_fn_by_scheme)


def fenced_session(allowed=()):
    session = requests.Session()
    session.trust_env = False  # no proxy from the environment: the fence checks the real peer
    session.max_redirects = MAX_REDIRECTS
    adapter = FencedAdapter(allowed)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def _moment(struct):
    return datetime.fromtimestamp(calendar.timegm(struct), timezone.utc) if struct else None


def _entry(raw):
    content = raw.get("content") or []
    return {
        "id": raw.get("id") or raw.get("link"),
        "title": raw.get("title"),
        "link": raw.get("link"),
        "summary": raw.get("summary"),
        "content": content[0].get("value") if content else None,
        "author": raw.get("author"),
        "published": _moment(raw.get("published_parsed") or raw.get("updated_parsed")),
    }


def fetch(url, etag=None, modified=None, timeout=FETCH_TIMEOUT, allowed=()):
    """{"not_modified": bool, "entries": [...], "etag", "modified", "title"} or FeedError.
    `allowed`: non-public networks that may still be fetched from (see allowed_networks)."""
    headers = {"User-Agent": USER_AGENT, **({"If-None-Match": etag} if etag else {}),
               **({"If-Modified-Since": modified} if modified else {})}
    try:
        with fenced_session(allowed) as session, \
                session.get(url, headers=headers, timeout=timeout, stream=True) as response:
            body = b""
            for chunk in response.iter_content(64 * 1024):
                body += chunk
                if len(body) > MAX_FEED_BYTES:
                    raise FeedError(f"the feed is larger than {MAX_FEED_BYTES} bytes")
    except AddressRefused:
        raise FeedError("refused: the feed's host (or a redirect) is not a public address") from None
    except requests.TooManyRedirects:
        raise FeedError(f"unreachable: more than {MAX_REDIRECTS} redirects") from None
    except requests.RequestException as exc:
        raise FeedError(f"unreachable: {type(exc).__name__}") from None
    validators = {"etag": response.headers.get("ETag"),
                  "modified": response.headers.get("Last-Modified")}
    if response.status_code == 304:
        return {"not_modified": True, "entries": [], "title": None,
                "etag": validators["etag"] or etag, "modified": validators["modified"] or modified}
    if response.status_code >= 400:
        raise FeedError(f"HTTP {response.status_code} from the feed")
    parsed = feedparser.parse(body, response_headers={
        "content-type": response.headers.get("Content-Type", "application/xml"),
        "content-location": url})
    # feedparser is lenient on purpose: a feed with minor flaws still has
    # entries worth reading; only a feed it could not read at all is an error.
    if parsed.bozo and not parsed.entries:
        raise FeedError("not a readable RSS/Atom feed")
    if not parsed.version:
        raise FeedError("not an RSS or Atom feed")
    entries = [_entry(raw) for raw in parsed.entries]
    return {"not_modified": False, "entries": [e for e in entries if e["id"]],
            "title": parsed.feed.get("title"), **validators}
