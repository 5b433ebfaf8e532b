"""HTTP caching and compression for every gateway route, in one place.

Every GET answer (pages, the JSON API, the live view, the feeds) leaves
through `ResponseCache.finish`:
- `Cache-Control` from the policy its route declares (`cache=`, web/policies.py): a short `max-age` with
  `stale-while-revalidate` for public views, `no-store` for everything else,
  for any request that carries credentials (a bearer token or a page session)
  and any answer that sets a cookie;
- an `ETag` (the handler's, else a hash of the body) and `304 Not Modified`
  on a matching `If-None-Match`;
- gzip or brotli when the client asks (Accept-Encoding), with
  `Vary: Accept-Encoding` and a per-encoding ETag (`no-store` answers are encoded too,
  without an ETag).

Routes whose policy names `tags` are also kept here, rendered and compressed,
and answered without running a worker until an event invalidates one of their
tags (the live model and the gateway's event consumer call `invalidate`) or
their `ttl` runs out (for what changes with time alone, like a vacancy's
closing date). A fill that raced an invalidation is not kept.
"""
import gzip
import hashlib
import time
from collections import OrderedDict

import brotli
import eventlet
from eventlet.event import Event
from nameko.extensions import DependencyProvider, SharedExtension
from werkzeug.http import parse_date
from werkzeug.wrappers import Response

from services.gateway.access.sessions import COOKIE as SESSION_COOKIE
from services.servicekit.metrics import DURATION, REQUESTS

COMPRESS_MIN = 512  # bytes; smaller bodies are not worth the encoding header
MAX_ENTRIES = 2048
MAX_BODY = 512 * 1024
FILL_WAIT = 5  # seconds a request waits for another one filling the same answer
ENCODINGS = ("br", "gzip")
NO_STORE = "no-store"


# Which tags an event from a service invalidates (the live view's own tags are
# invalidated by the live model whenever a region's view changes).
EVENT_TAGS = {"prices": lambda event: [("prices", event["region"])],
              "pencaker": lambda event: [("pencaker",)],
              "news": lambda event: [("news",)]}


def carries_credentials(request):
    """A bearer token or a page session: the answer may be that person's alone."""
    return "Authorization" in request.headers or SESSION_COOKIE in request.cookies


def accepted_encoding(header):
    """The best encoding of ours the client accepts ("br", "gzip" or None)."""
    if not header:
        return None
    accepted = {}
    for part in header.lower().split(","):
        name, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        accepted[name.strip()] = quality
    for encoding in ENCODINGS:
        if accepted.get(encoding, accepted.get("*", 0)) > 0:
            return encoding
    return None


def compress(body, encoding):
    if encoding == "br":
        return brotli.compress(body, quality=5)
    return gzip.compress(body, compresslevel=6, mtime=0)


def tag_for(etag, encoding):
    """The ETag of one encoding of a representation: the same validator, marked."""
    return etag if encoding is None else f'{etag[:-1]}-{encoding}"'


def not_modified(request, etag, last_modified=None):
    """If-None-Match against `etag` (weak comparison), else If-Modified-Since."""
    header = request.headers.get("If-None-Match")
    if not header:
        since = parse_date(request.headers.get("If-Modified-Since"))
        modified = parse_date(last_modified)
        return since is not None and modified is not None and modified <= since
    if header.strip() == "*":
        return True
    ours = etag.removeprefix("W/")
    return any(t.strip().removeprefix("W/") == ours for t in header.split(","))


class Stored:
    """A kept answer: its body, headers and validators, and its encodings as asked for."""

    __slots__ = ("body", "headers", "etag", "cache_control", "tags", "expires", "encoded")

    def __init__(self, body, headers, etag, cache_control, tags, expires):
        self.body, self.headers, self.etag = body, headers, etag
        self.cache_control, self.tags, self.expires = cache_control, tags, expires
        self.encoded = {}

    def answer(self, request):
        encoding = accepted_encoding(request.headers.get("Accept-Encoding"))
        if len(self.body) < COMPRESS_MIN:
            encoding = None
        etag = tag_for(self.etag, encoding)
        headers = {"ETag": etag, "Cache-Control": self.cache_control, "Vary": "Accept-Encoding"}
        if not_modified(request, etag, dict(self.headers).get("Last-Modified")):
            return Response(status=304, headers=headers)
        body = self.body
        if encoding is not None:
            body = self.encoded.get(encoding)
            if body is None:
                body = self.encoded[encoding] = compress(self.body, encoding)
            headers["Content-Encoding"] = encoding
        return Response(body, status=200, headers=[*self.headers, *headers.items()])


class ResponseCache(SharedExtension):
    """One per container: shared by every route and by the live model."""

    def setup(self):
        self.entries = OrderedDict()  # request path+query -> Stored
        self.by_tag = {}  # tag -> keys
        self.generation = {}  # tag -> count of invalidations
        self.filling = {}  # key -> Event of the request filling it

    # invalidation ---------------------------------------------------------
    def invalidate(self, tag):
        self.generation[tag] = self.generation.get(tag, 0) + 1
        for key in self.by_tag.pop(tag, ()):
            self.entries.pop(key, None)

    def invalidate_event(self, event):
        for tag in EVENT_TAGS.get(event.get("source"), lambda e: [])(event):
            self.invalidate(tag)

    # the HTTP path ----------------------------------------------------------
    def serve(self, entrypoint, request, handle):
        """Answer `request` for `entrypoint`: from the kept answers when possible,
        else by `handle(request)` (the worker), then finished by the route's policy."""
        policy = entrypoint.policy  # declared on the route (web/policies.py)
        keep = (policy is not None and policy.tags is not None and request.method in ("GET", "HEAD")
                and not carries_credentials(request))
        if not keep:
            return self.finish(request, handle(request), policy)
        started = time.perf_counter()
        key = request.path + "?" + request.query_string.decode("latin-1")
        stored = self._fresh(key)
        if stored is None and key in self.filling:  # one fill at a time; the others wait for it
            self.filling[key].wait(FILL_WAIT)
            stored = self._fresh(key)
        if stored is not None:
            # Let the other connections' green threads run first, as a worker's
            # spawn would: without this one busy connection can starve the rest.
            eventlet.sleep(0)
            name = f"{entrypoint.method} {entrypoint.url}"
            REQUESTS.labels(entrypoint.container.service_name, "http", name, "success").inc()
            DURATION.labels(entrypoint.container.service_name, "http", name).observe(
                time.perf_counter() - started)
            return stored.answer(request)
        tags = policy.tags(request.path_values)
        before = [self.generation.get(tag, 0) for tag in tags]
        filled = self.filling[key] = Event()
        try:
            response = handle(request)
            if (response.status_code == 200 and not response.is_streamed
                    and not response.direct_passthrough
                    and before == [self.generation.get(tag, 0) for tag in tags]):
                stored = self._keep(key, response, policy, tags)
                if stored is not None:
                    return stored.answer(request)
            return self.finish(request, response, policy)
        finally:
            if self.filling.get(key) is filled:
                del self.filling[key]
            filled.send()

    def _fresh(self, key):
        stored = self.entries.get(key)
        if stored is None or stored.expires <= time.monotonic():
            return None
        self.entries.move_to_end(key)
        return stored

    def _keep(self, key, response, policy, tags):
        body = response.get_data()
        if (len(body) > MAX_BODY or response.headers.get("Content-Encoding")
                or "Set-Cookie" in response.headers):  # a cookie is somebody's: never handed on
            return None
        etag = response.headers.get("ETag") or self.strong_tag(body)
        headers = [(k, v) for k, v in response.headers.items()
                   if k not in ("Content-Length", "ETag", "Cache-Control", "Vary")]
        stored = Stored(body, headers, etag, policy.cache_control, tags, time.monotonic() + policy.ttl)
        self.entries[key] = stored
        for tag in tags:
            self.by_tag.setdefault(tag, set()).add(key)
        while len(self.entries) > MAX_ENTRIES:
            _, dropped = self.entries.popitem(last=False)
            for tag in dropped.tags:
                self.by_tag.get(tag, set()).discard(key)
        return stored

    @staticmethod
    def strong_tag(body):
        return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'

    def finish(self, request, response, policy):
        """Cache-Control, ETag/304 and compression for an answer that is not kept."""
        if request.method not in ("GET", "HEAD") or response.status_code != 200 or policy is None \
                or carries_credentials(request) or "Set-Cookie" in response.headers:
            response.headers["Cache-Control"] = NO_STORE
            return self.private_encoded(request, response)
        response.headers["Cache-Control"] = policy.cache_control
        if response.is_streamed or response.direct_passthrough or response.headers.get("Content-Encoding"):
            return response
        body = response.get_data()
        etag = response.headers.get("ETag") or self.strong_tag(body)
        encoding = accepted_encoding(request.headers.get("Accept-Encoding"))
        if len(body) < COMPRESS_MIN:
            encoding = None
        response.headers["Vary"] = "Accept-Encoding"
        response.headers["ETag"] = tag_for(etag, encoding)
        if not_modified(request, response.headers["ETag"], response.headers.get("Last-Modified")):
            return Response(status=304, headers={k: response.headers[k] for k in
                                                 ("ETag", "Cache-Control", "Vary")})
        if encoding is not None:
            response.set_data(compress(body, encoding))
            response.headers["Content-Encoding"] = encoding
        return response


    @staticmethod
    def private_encoded(request, response):
        """A `no-store` answer (lapor, lacak, AK/1, a session's pages, errors) is private, not
        uncompressible: encoded too, on a weak phone signal it matters most (#31). No ETag:
        nothing keeps it to revalidate."""
        if response.is_streamed or response.direct_passthrough or response.headers.get("Content-Encoding") \
                or request.method == "HEAD":
            return response
        encoding = accepted_encoding(request.headers.get("Accept-Encoding"))
        body = response.get_data()
        response.vary.add("Accept-Encoding")
        if encoding is not None and len(body) >= COMPRESS_MIN:
            response.set_data(compress(body, encoding))
            response.headers["Content-Encoding"] = encoding
        return response


class HttpCache(DependencyProvider):
    """Workers' handle on the container's ResponseCache (to invalidate on events)."""

    cache = ResponseCache()

    def get_dependency(self, worker_ctx):
        return self.cache
