"""Whoever can publish to nameko-rpc, or runs a service, still cannot act as anybody:
every service verifies the signed caller on the running platform (missing, forged,
expired, made for another service, signed by a key that may not sign it, or with
the old shared secret, is refused), and nothing changes."""
import os
import time
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from nameko.standalone.rpc import ClusterRpcProxy

from services.gateway.access.auth import issue_token
from services.prices.days import today_in
from services.servicekit import caller_keys
from services.servicekit.caller import Caller, audience
from services.servicekit.errors import Forbidden, Unauthorized
from services.servicekit.regions import get_region

REGION = "36.74"
ADMIN = Caller("admin@36.74", "region_admin", REGION)


def claims(service, **changes):
    now = int(time.time())
    return {"sub": "admin@36.74", "role": "region_admin", "region": REGION, "aud": audience(service),
            "iss": "gateway", "iat": now, "exp": now + 60, **changes}


def key(signer):
    return caller_keys.private_key(signer)


def bad_callers(service):
    """Tokens aimed at `service` that it must refuse, each for the reason it is named by."""
    other = "pencaker" if service == "aspirasi" else "aspirasi"
    gateway = {"headers": {"kid": "gateway"}, "algorithm": "EdDSA"}
    operator = {"sub": "op", "role": "platform_operator", "region": None}
    return {
        "missing": None,
        "garbage": "not-a-token",
        "forged": jwt.encode(claims(service), Ed25519PrivateKey.generate(), **gateway),
        "expired": ADMIN.sign(service, ttl=-5),
        "for another service": ADMIN.sign(other),
        "wrong issuer": jwt.encode(claims(service, iss="someone-else"), key("gateway"), **gateway),
        "unknown role": jwt.encode(claims(service, role="root"), key("gateway"), **gateway),
        "unsigned": jwt.encode(claims(service), None, algorithm="none", headers={"kid": "gateway"}),
        "a citizen's bearer token": issue_token("admin@36.74", "region_admin", REGION),
        "the old shared secret": jwt.encode({**claims(service), "aud": "tl-services", "iss": "tl-gateway"},
                                            os.environ["TL_TOKEN_SECRET"], algorithm="HS256"),
        "notifications minting an operator": jwt.encode(
            claims(service, **operator, iss="notifications"), key("notifications"), algorithm="EdDSA",
            headers={"kid": "notifications"}),
        "the SMS inbox minting an officer": jwt.encode(
            claims(service, iss="sms_inbox"), key("sms_inbox"), algorithm="EdDSA",
            headers={"kid": "sms_inbox"}),
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


@pytest.mark.parametrize("kind", list(bad_callers("aspirasi")))
def test_every_service_refuses_a_bad_caller_and_nothing_changes(cluster, platform, ticket, kind):
    day = today_in(get_region(REGION))
    calls = {
        "aspirasi.get_ticket_private": lambda caller: cluster.aspirasi.get_ticket_private(
            ticket["number"], caller=caller),
        "aspirasi.transition": lambda caller: cluster.aspirasi.transition(
            ticket["number"], "verify", caller=caller, note="palsu"),
        "pencaker.set_subscriptions": lambda caller: cluster.pencaker.set_subscriptions(
            REGION, [REGION, "36.02"], caller=caller),
        "prices.record_prices": lambda caller: cluster.prices.record_prices(
            REGION, "pasar-ciputat", day, [{"commodity": "gula-pasir", "price": 99000}], caller=caller),
        "news.create": lambda caller: cluster.news.create(
            REGION, {"title": "Berita palsu", "category": "pengumuman", "body": "<p>x</p>"}, caller=caller),
        "notifications.opt_out_phone": lambda caller: cluster.notifications.opt_out_phone(
            "081234567890", caller=caller),
    }
    before = [platform.db("aspirasi").tickets.find_one({"_id": ticket["number"]}, {"outbox": 0}),
              platform.db("pencaker").subscriptions.find_one({"_id": REGION}),
              platform.db("prices").prices.count_documents({"region": REGION, "price": 99000}),
              platform.db("news").articles.count_documents({"title": "Berita palsu"}),
              platform.db("notifications").optouts.count_documents({})]
    for name, call in calls.items():
        with pytest.raises(Unauthorized) as refused:
            call(bad_callers(name.split(".")[0])[kind])
        assert refused.value.details.get("field") == "caller", (name, refused.value.message)
    after = [platform.db("aspirasi").tickets.find_one({"_id": ticket["number"]}, {"outbox": 0}),
             platform.db("pencaker").subscriptions.find_one({"_id": REGION}),
             platform.db("prices").prices.count_documents({"region": REGION, "price": 99000}),
             platform.db("news").articles.count_documents({"title": "Berita palsu"}),
             platform.db("notifications").optouts.count_documents({})]
    assert after == before


def test_a_valid_caller_gets_through_and_notifications_may_read_contact(cluster, ticket):
    assert cluster.aspirasi.get_ticket_private(ticket["number"], caller=ADMIN.sign("aspirasi"))["reporter"][
        "phone"] == "081234567890"
    notifications = Caller.service("notifications").sign("aspirasi")
    assert cluster.aspirasi.notification_recipient(ticket["number"], caller=notifications,
                                                   acting_for=REGION) == {"phone": "081234567890"}
    for read in (lambda: cluster.aspirasi.notification_recipient(  # for another region's event
            ticket["number"], caller=notifications, acting_for="36.01"),
            lambda: cluster.aspirasi.get_ticket_private(ticket["number"], caller=notifications)):
        with pytest.raises(Forbidden, match="region"):
            read()


def test_services_hold_public_keys_and_only_the_signers_their_own_private_key(platform):
    for name, proc in platform.procs.items():
        environ = dict(line.split("=", 1) for line in
                       Path(f"/proc/{proc.pid}/environ").read_text().split("\0") if "=" in line)
        private = {n for n in environ if n.startswith("TL_CALLER_KEY_")}
        assert private == ({caller_keys.variable(name, True)} if name in caller_keys.SIGNERS else set()), name
        assert caller_keys.public_key("gateway", environ) is not None, name
