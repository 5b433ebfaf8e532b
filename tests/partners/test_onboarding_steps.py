"""Onboarding finishes or changes nothing: each step of the plan failed in turn, in the real
step (the broker's management API refusing, the store failing after its write, aspirasi
failing half-way through the categories), leaves nothing of the region behind; the same
profile run again completes it; `remove --purge` leaves no document or broker object.

The broker is the test's own vhost on the real RabbitMQ (checked through its management
API), the registry and subscriptions the real platform database, the accounts the
gateway's AccountRepository and the categories aspirasi's TicketRepository on a real
store (in this process: the RPC hop is tested in test_onboarding.py).
"""
import pytest
from pymongo.errors import AutoReconnect

from services.aspirasi.domain import category_from
from services.aspirasi.repository import TicketRepository, template_categories
from services.gateway.access.accounts import AccountRepository
from services.gateway.regions.onboarding_ports import RpcCatalogue, StoreAccounts
from services.platform import offboarding, onboarding, onboarding_steps, partners
from services.servicekit import caller_keys
from services.servicekit.caller import Caller
from services.servicekit.envelope import utcnow
from services.servicekit.errors import Unavailable, ValidationFailed

CODE = "91.71"  # Kota Jayapura: Papua, so its time zone is Asia/Jayapura
PROFILE = {
    "code": CODE, "name": "Kota Jayapura", "province": "Papua", "domain": "jayapurakota.go.id",
    "subscriptions": [{"topic": "prices.price_alert_raised", "from": ["province"]}],
    "categories": [{"code": "abrasi", "name": "Abrasi pantai", "opd": "Dinas Lingkungan Hidup"},
                   {"code": "longsor", "name": "Tanah longsor", "opd": "BPBD",
                    "sla": {"verify_days": 1, "follow_up_days": 2}}],
    "admin": {"username": "admin.9171"}}
TEMPLATE = len(template_categories())


class StoreCatalogue:
    """aspirasi's catalogue through its own repository (what its RPCs do, minus the hop)."""

    def __init__(self, db):
        self.repo = TicketRepository(db)

    def preflight(self):
        pass

    def categories(self, code):
        return [c.view() for c in self.repo.categories(code).values()]

    def set_category(self, code, category, name, opd, sla=None):
        # profile: the command takes sla after the merge; stored here as aspirasi keeps it
        self.repo.set_category(code, category_from(category, name, opd))
        if sla:
            self.repo.db.categories.update_one({"_id": f"{code}:{category}"}, {"$set": {"sla": {
                "verify": sla["verify_days"], "follow_up": sla["follow_up_days"]}}})

    def retire_category(self, code, category):
        self.repo.retire_category(code, category, utcnow())

    def purge(self, code):
        return self.repo.purge_region(code)


@pytest.fixture
def ports(broker, platform_db, mongo_db):
    catalogue, accounts = StoreCatalogue(mongo_db), StoreAccounts(AccountRepository(mongo_db))
    yield broker, catalogue, accounts
    broker.delete_user(partners.partner_user(CODE, broker.vhost))  # users are the node's


def onboard(ports):
    return onboarding.onboard(dict(PROFILE), *ports)


def refuse(monkeypatch, broker, method, resource):
    """The management API answers `method /api/<resource>/...` with a 500 from now on."""
    real = broker.request

    def request(verb, *parts, **kwargs):
        if verb == method and parts[0] == resource:
            raise Unavailable(f"RabbitMQ refused {verb} {'/'.join(parts)}: 500 injected")
        return real(verb, *parts, **kwargs)
    monkeypatch.setattr(broker, "request", request)


LOST = AutoReconnect("reply lost after the write")


def after_writing(monkeypatch, module, name, error=LOST):
    """`module.name` does its real work, then fails (the store's reply lost)."""
    real = getattr(module, name)

    def failing(*args, **kwargs):
        real(*args, **kwargs)
        raise error
    monkeypatch.setattr(module, name, failing)


def left_of_the_region(broker, platform_db, mongo_db):
    """Every trace of CODE: documents, broker objects (asked of the management API), rows."""
    queue = partners.queue_name(CODE)
    queues = [q["name"] for q in broker.request("GET", "queues", broker.vhost) if CODE in q["name"]]
    bindings = [b for b in broker.request("GET", "bindings", broker.vhost) if CODE in b["destination"]]
    return {k: v for k, v in {
        "registry": platform_db.regions.find_one({"_id": CODE}),
        "journal": platform_db.onboarding.find_one({"_id": CODE}),
        "subscriptions": platform_db.subscriptions.find_one({"_id": CODE}),
        "queues": queues, "bindings": bindings, "queue": broker.queue(queue),
        "user": broker.user(partners.partner_user(CODE, broker.vhost)),
        "categories": mongo_db.categories.count_documents({"region": CODE}),
        "catalogue": mongo_db.catalogues.find_one({"_id": CODE}),
        "accounts": mongo_db.accounts.count_documents({"region": CODE}),
    }.items() if v}


def assert_complete(result, broker, platform_db, mongo_db):
    assert result["region"]["timezone"] == "Asia/Jayapura"
    assert result["broker_user"]["password"] and result["admin"]["password"]
    assert result["categories"] == TEMPLATE + 2 and result["skipped"]["markets"]
    assert broker.user(result["broker_user"]["user"]) is not None
    assert broker.bindings("tangerang.shared", partners.queue_name(CODE))[0]["routing_key"] == \
        "prices.price_alert_raised.91.*"
    assert platform_db.onboarding.find_one({"_id": CODE})["finished"]  # (the store keeps 1)
    account = AccountRepository(mongo_db).verify("admin.9171", result["admin"]["password"])
    assert (account.caller.role, account.caller.region) == ("region_admin", CODE)
    sla = mongo_db.categories.find_one({"_id": f"{CODE}:longsor"})["sla"]
    assert sla == {"verify": 1, "follow_up": 2}


STEP_FAILURES = {
    "registry": lambda mp, broker: after_writing(mp, onboarding_steps, "register_region"),
    "subscriptions": lambda mp, broker: after_writing(mp, onboarding_steps, "store_subscriptions"),
    "queue": lambda mp, broker: refuse(mp, broker, "POST", "bindings"),  # declared, then not bound
    "broker_user": lambda mp, broker: refuse(mp, broker, "PUT", "permissions"),  # made, not granted
    "categories": lambda mp, broker: after_writing(mp, StoreCatalogue, "set_category",
                                                   Unavailable("aspirasi did not answer")),
    "admin": lambda mp, broker: after_writing(mp, StoreAccounts, "create",
                                              Unavailable("the store's reply was lost")),
}


def test_the_plan_is_the_steps_named_here_in_this_order():
    assert [s.name for s in onboarding_steps.STEPS] == [
        "registry", "subscriptions", "queue", "broker_user", "categories", "markets", "admin"]
    assert {s.name for s in onboarding_steps.STEPS if not s.enabled} == {"markets"}  # a slot
    assert set(STEP_FAILURES) == {s.name for s in onboarding_steps.STEPS if s.enabled}


@pytest.mark.parametrize("step", list(STEP_FAILURES))
def test_a_failure_at_each_step_leaves_nothing_and_a_rerun_completes(step, ports, monkeypatch,
                                                                      platform_db, mongo_db):
    broker = ports[0]
    with monkeypatch.context() as mp:
        STEP_FAILURES[step](mp, broker)
        with pytest.raises(Unavailable) as failed:
            onboard(ports)
    where = failed.value.details["onboarding"]
    assert (where["step"], where["left"]) == (step, [])
    assert "password" not in str(failed.value.to_dict())  # no secret in a failure
    assert left_of_the_region(broker, platform_db, mongo_db) == {}
    assert_complete(onboard(ports), broker, platform_db, mongo_db)


def test_an_undo_that_fails_too_is_named_and_the_rerun_completes_with_new_secrets(
        ports, monkeypatch, platform_db, mongo_db):
    broker = ports[0]
    with monkeypatch.context() as mp:
        STEP_FAILURES["admin"](mp, broker)
        refuse(mp, broker, "DELETE", "users")  # the broker user cannot be removed either
        with pytest.raises(Unavailable) as failed:
            onboard(ports)
    assert failed.value.details["onboarding"]["left"] == ["broker_user"]
    assert set(left_of_the_region(broker, platform_db, mongo_db)) == {"user"}
    again = onboard(ports)  # the user it left was never handed over: a new password, shown
    assert_complete(again, broker, platform_db, mongo_db)
    assert onboard(ports)["broker_user"]["password"] is None  # finished: shown once only
    assert onboard(ports)["admin"] == {"username": "admin.9171", "created": False, "password": None}


def test_the_whole_profile_is_checked_first_naming_every_bad_field(ports, platform_db, mongo_db,
                                                                   monkeypatch):
    broker = ports[0]
    AccountRepository(mongo_db).create("admin.9171", "a-long-password", "region_admin", "36.71")
    bad = {**PROFILE, "domain": "not a host",
           "categories": [{"code": "Abrasi!", "name": "x", "opd": "y", "sla": {"follow_up_days": 0}},
                          {"code": "longsor", "name": "", "opd": "BPBD"}],
           "subscriptions": [{"topic": "prices.*", "from": ["Papua"]}],
           "markets": [{"code": "youtefa", "name": "Pasar Youtefa"}]}
    monkeypatch.delenv(caller_keys.variable("gateway", True))  # the CLI without its signing key
    catalogue = RpcCatalogue(None, Caller("tools.regions", "platform_operator", None))
    with pytest.raises(ValidationFailed) as refused:
        onboarding.onboard(bad, broker, catalogue, ports[2])
    fields = refused.value.details["fields"]
    assert {name: p["code"] for name, p in fields.items()} == {
        "domain": "bad_domain", "categories[0].code": "bad_category_code",
        "categories[0].sla.follow_up_days": "too_small", "categories[1].name": "required",
        "subscriptions[0].from": "bad_selector", "markets": "not_available",
        "caller_key": "caller_key_missing", "admin.username": "username_taken"}
    assert left_of_the_region(broker, platform_db, mongo_db) == {}


def test_purge_leaves_no_document_or_broker_object_and_says_what_it_kept(ports, platform_db, mongo_db):
    broker, catalogue, accounts = ports
    onboard(ports)
    AccountRepository(mongo_db).create("dlh.9171", "a-long-password", "opd_officer", CODE, "DLH")
    mongo_db.tickets.insert_one({"_id": "LAKSA-9171-2026-000001", "region": CODE})
    gone = offboarding.offboard(CODE, broker, purge=True, catalogue=catalogue, accounts=accounts)
    assert gone["removed"]["accounts"] == ["admin.9171", "dlh.9171"]
    assert gone["removed"]["categories"] == TEMPLATE + 2 and gone["removed"]["registry"] == "deleted"
    assert gone["kept"]["tickets"] == 1 and "public record" in gone["kept"]["why"]
    assert left_of_the_region(broker, platform_db, mongo_db) == {}
    assert mongo_db.tickets.count_documents({"region": CODE}) == 1
    again = offboarding.offboard(CODE, broker, purge=True, catalogue=catalogue, accounts=accounts)
    assert again["removed"]["registry"] == "absent"  # run again: nothing left, nothing fails
