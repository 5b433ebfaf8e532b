"""Whoever can publish to nameko-rpc still cannot act as anybody: every service
verifies the signed caller (missing, forged, expired, or made for another
audience is refused) on the running platform, and nothing changes."""
import os
import time

import jwt
import pytest
from nameko.standalone.rpc import ClusterRpcProxy

from services.gateway.auth import issue_token
from services.prices.days import today_in
from services.servicekit.caller import AUDIENCE, ISSUER, Caller
from services.servicekit.errors import Forbidden, Unauthorized
from services.servicekit.regions import get_region

REGION = "36.74"
ADMIN = Caller("admin@36.74", "region_admin", REGION)


def claims(**changes):
    now = int(time.time())
    return {"sub": "admin@36.74", "role": "region_admin", "region": REGION, "aud": AUDIENCE,
            "iss": ISSUER, "iat": now, "exp": now + 60, **changes}


def bad_callers():
    secret = os.environ["TL_TOKEN_SECRET"]
    return {
        "missing": None,
        "garbage": "not-a-token",
        "forged": jwt.encode(claims(), "another-secret-of-at-least-32-characters!", algorithm="HS256"),
        "expired": ADMIN.sign(ttl=-5),
        "wrong audience": jwt.encode(claims(aud="tangerang-live"), secret, algorithm="HS256"),
        "wrong issuer": jwt.encode(claims(iss="someone-else"), secret, algorithm="HS256"),
        "unknown role": jwt.encode(claims(role="root"), secret, algorithm="HS256"),
        "unsigned": jwt.encode(claims(), None, algorithm="none"),
        "a citizen's bearer token": issue_token("admin@36.74", "region_admin", REGION),
    }


@pytest.fixture(scope="module")
def cluster(platform):
    with ClusterRpcProxy({"AMQP_URI": platform.env["AMQP_URI"]}, timeout=10) as proxy:
        yield proxy


@pytest.fixture(scope="module")
def ticket(cluster):
    return cluster.aspirasi.submit(REGION, {
        "category": "sampah", "description": "Sampah di taman", "location": {"address": "Taman Kota"},
        "reporter": {"name": "Pelapor Rahasia", "phone": "081234567890"}})


@pytest.mark.parametrize("kind", list(bad_callers()))
def test_every_service_refuses_a_bad_caller_and_nothing_changes(cluster, platform, ticket, kind):
    caller = bad_callers()[kind]
    day = today_in(get_region(REGION))
    calls = {
        "aspirasi.get_ticket_private": lambda: cluster.aspirasi.get_ticket_private(
            ticket["number"], caller=caller),
        "aspirasi.transition": lambda: cluster.aspirasi.transition(
            ticket["number"], "verify", caller=caller, note="palsu"),
        "pencaker.set_subscriptions": lambda: cluster.pencaker.set_subscriptions(
            REGION, [REGION, "36.02"], caller=caller),
        "prices.record_prices": lambda: cluster.prices.record_prices(
            REGION, "pasar-ciputat", day, [{"commodity": "gula-pasir", "price": 99000}], caller=caller),
        "news.create": lambda: cluster.news.create(
            REGION, {"title": "Berita palsu", "category": "pengumuman", "body": "<p>x</p>"}, caller=caller),
    }
    before = [platform.db("aspirasi").tickets.find_one({"_id": ticket["number"]}, {"outbox": 0}),
              platform.db("pencaker").subscriptions.find_one({"_id": REGION}),
              platform.db("prices").prices.count_documents({"region": REGION, "price": 99000}),
              platform.db("news").articles.count_documents({"title": "Berita palsu"})]
    for name, call in calls.items():
        with pytest.raises(Unauthorized) as refused:
            call()
        assert refused.value.details.get("field") == "caller", (name, refused.value.message)
    after = [platform.db("aspirasi").tickets.find_one({"_id": ticket["number"]}, {"outbox": 0}),
             platform.db("pencaker").subscriptions.find_one({"_id": REGION}),
             platform.db("prices").prices.count_documents({"region": REGION, "price": 99000}),
             platform.db("news").articles.count_documents({"title": "Berita palsu"})]
    assert after == before


def test_a_valid_caller_gets_through_and_notifications_may_read_contact(cluster, ticket):
    assert cluster.aspirasi.get_ticket_private(ticket["number"], caller=ADMIN.sign())["reporter"][
        "phone"] == "081234567890"
    notifications = Caller.service("notifications").sign()
    assert cluster.aspirasi.notification_recipient(ticket["number"], caller=notifications,
                                                   acting_for=REGION) == {"phone": "081234567890"}
    for read in (lambda: cluster.aspirasi.notification_recipient(  # for another region's event
            ticket["number"], caller=notifications, acting_for="36.01"),
            lambda: cluster.aspirasi.get_ticket_private(ticket["number"], caller=notifications)):
        with pytest.raises(Forbidden, match="region"):
            read()
