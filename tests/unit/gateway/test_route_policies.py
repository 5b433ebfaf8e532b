"""Each route declares its cache policy where it is defined (web/policies.py); the
cache reads it from the matched route. Expected policies written out as data."""
import inspect

import pytest
from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR

from services.gateway.laksa.lapor_form import LAPOR_FORM
from services.gateway.laksa.photos import MAX_PHOTOS
from services.gateway.service import GatewayService
from services.gateway.web.templating import templates


def _policies():
    found = {}
    for _, fn in inspect.getmembers(GatewayService):
        for entrypoint in getattr(fn, ENTRYPOINT_EXTENSIONS_ATTR, ()):
            if "GET" in getattr(entrypoint, "method", "").split(","):
                found[entrypoint.url] = entrypoint.policy
    return found


POLICIES = _policies()
CODE = {"code": "36.71"}


@pytest.mark.parametrize("url, cache_control, tags, ttl", [
    ("/r/<string:code>/", "public, max-age=5, stale-while-revalidate=30", [("live", "36.71")], 300),
    ("/api/v1/regions/<string:code>/live", "public, max-age=5, stale-while-revalidate=30",
     [("live", "36.71")], 300),
    ("/r/<string:code>/harga", "public, max-age=30, stale-while-revalidate=60", [("prices", "36.71")], 30),
    ("/r/<string:code>/loker", "public, max-age=30, stale-while-revalidate=60", [("pencaker",)], 30),
    ("/berita/<string:code>/<string:slug>", "public, max-age=60, stale-while-revalidate=300",
     [("news",)], 30),
    ("/feeds/<string:code>/rss.xml", "public, max-age=300, stale-while-revalidate=600", [("news",)], 30),
    ("/api/v1/regions", "public, max-age=300, stale-while-revalidate=3600", None, 30),
    ("/media/<string:photo_id>.jpg", "public, max-age=31536000, immutable", None, 30),
    ("/sw.js", "no-cache", None, 30),
    ("/r/<string:code>/manifest.webmanifest", "public, max-age=3600", None, 30),
    ("/icons/<string:name>.png", "public, max-age=86400", None, 30),
    ("/.well-known/assetlinks.json", "public, max-age=3600", None, 30),
    ("/docs/assets/<string:name>", "public, max-age=3600, stale-while-revalidate=86400", None, 30),
])
def test_a_route_carries_its_policy(url, cache_control, tags, ttl):
    policy = POLICIES[url]
    assert policy.cache_control == cache_control and policy.ttl == ttl
    assert (policy.tags(CODE) if policy.tags else None) == tags


@pytest.mark.parametrize("url", ["/r/<string:code>/lapor", "/lacak/<string:number>", "/petugas/",
                                 "/api/v1/regions/<string:code>/aspirasi", "/ak1"])
def test_a_route_without_a_policy_is_not_kept(url):
    assert POLICIES[url] is None


def test_every_public_route_of_before_still_declares_one():
    # 38, GET /api/v1/version (CATALOGUE) since 0.3.0, the app icons and asset links (#31),
    # the market list /r/<code>/harga/peta (#33), the markets' JSON list (#28)
    assert sum(policy is not None for policy in POLICIES.values()) == 43


def test_the_lapor_photo_limit_is_one_constant():
    assert MAX_PHOTOS == 3
    assert LAPOR_FORM["properties"]["photos"]["maxItems"] == LAPOR_FORM["properties"]["foto"]["maxItems"] == 3
    source = templates.loader.get_source(templates, "lapor.html")[0]
    assert "paling banyak {{ max_photos }} foto" in source
