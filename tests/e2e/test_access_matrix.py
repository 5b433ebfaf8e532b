"""Access control over every region-scoped write route: role x own/other region.

Routes come from the OpenAPI document (so a new route is covered the day it
lands). A route that answers 401 without a token is protected; then every
officer holding a token of ANOTHER region must get 403 and change nothing, and
no role may be refused in its own region for the region alone. (Citizens act
as themselves anywhere: a resident of Kab. Tangerang may report a broken lamp
in Kota Tangerang or register the employer they run there.)
"""
import re

import pytest

from services.gateway.auth import OFFICER_ROLES, ROLES
from services.gateway.openapi import document
from services.gateway.service import GatewayService

OWN, OTHER = "36.71", "36.03"
WRITES = ("post", "put", "patch", "delete")
PLACEHOLDERS = {"code": OWN, "action": "publish", "market": "pasar-anyar", "slug": "tidak-ada",
                "category": "sampah"}


def region_write_routes():
    for path, item in document(GatewayService)["paths"].items():
        if "{code}" not in path or not path.startswith("/api/"):
            continue
        for method in item:
            if method in WRITES:
                yield method.upper(), path


def concrete(path):
    return re.sub(r"\{(\w+)\}", lambda m: PLACEHOLDERS.get(m.group(1), "x"), path)


def send(http, platform, method, path, headers=None):
    headers = {"X-Forwarded-For": "198.51.100.200", **(headers or {})}
    return http.request(method, f"{platform.url}{concrete(path)}", json={}, headers=headers, timeout=10)


@pytest.mark.parametrize("method, path", sorted(region_write_routes()))
def test_other_regions_tokens_are_refused_on_every_protected_write(platform, http, token, method, path):
    if send(http, platform, method, path).status_code != 401:
        pytest.skip("public route (citizens may write without signing in)")
    for role in OFFICER_ROLES:
        response = send(http, platform, method, path, token(role, OTHER))
        assert response.status_code == 403, (role, response.status_code, response.text[:200])
        assert response.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("method, path", sorted(region_write_routes()))
def test_the_own_region_is_never_the_reason_for_a_refusal(platform, http, token, method, path):
    for role in ROLES:
        response = send(http, platform, method, path, token(role, OWN))
        if response.status_code == 403:
            assert response.json()["error"]["details"].get("field") != "region", (role, response.text)
