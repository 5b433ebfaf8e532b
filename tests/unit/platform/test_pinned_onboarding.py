"""Region onboarding pinned from an independent spec: who may manage regions and accounts
(the gateway's table, per role and scope), and a partner region's life (absent -> onboarded
-> onboarded again changes nothing -> new credentials -> offboarded) over an in-memory
registry and broker, each outcome written out here.
"""
import pytest

from services.gateway.access import authority
from services.platform import offboarding, onboarding, onboarding_steps
from services.platform.partner_names import queue_name
from services.servicekit.caller import Caller
from services.servicekit.errors import Forbidden, NotFound, Unauthorized, ValidationFailed
from services.servicekit.regions import Region, validate_region

WHO = {"operator": Caller("op", "platform_operator", None), "admin": Caller("ani", "region_admin", "36.71"),
       "admin_other_region": Caller("sri", "region_admin", "36.01"),
       "opd_officer": Caller("budi", "opd_officer", "36.71", opd="DLH"),
       "editor": Caller("eka", "editor", "36.71"), "citizen": Caller("warga", "citizen", None),
       "service": Caller.service("notifications"), "signed_out": None}
# A region admin runs their own region's accounts and subscriptions; creating privileged
# accounts (admins, operators), the registry itself and dead letters are the platform's.
ROWS = {
    "create_account": ("ok", "ok", "region", "role", "role", "role", "role", "sign_in"),
    "manage_subscriptions": ("ok", "ok", "region", "role", "role", "role", "role", "sign_in"),
    "create_privileged_account": ("ok", "role", "role", "role", "role", "role", "role", "sign_in"),
    "manage_regions": ("ok", "role", "role", "role", "role", "role", "role", "sign_in"),
    "manage_dead_letters": ("ok", "role", "role", "role", "role", "role", "role", "sign_in"),
    "edit_region_offer": ("ok", "role", "role", "role", "role", "role", "role", "sign_in"),
    "edit_region_profile": ("ok", "ok", "region", "role", "role", "role", "role", "sign_in"),
}
# Which accounts a region admin may make (the rest need an operator).
ACCOUNT_ACTION = {"opd_officer": "create_account", "disnaker_officer": "create_account",
                  "price_clerk": "create_account", "editor": "create_account", "citizen": "create_account",
                  "region_admin": "create_privileged_account",
                  "platform_operator": "create_privileged_account", "service": "create_privileged_account"}


def _outcome(action, caller):
    try:
        authority.authorize(action, caller, "36.71")
    except Unauthorized:
        return "sign_in"
    except Forbidden as refused:
        return refused.details["field"]
    return "ok"


@pytest.mark.parametrize("action, who, expected", [
    (action, who, outcome) for action, row in ROWS.items() for who, outcome in zip(WHO, row, strict=True)])
def test_each_registry_and_account_action_is_allowed_or_refused_per_role_and_scope(action, who, expected):
    assert set(authority.AUTHORITY) == set(ROWS)
    assert _outcome(action, WHO[who]) == expected


@pytest.mark.parametrize("role, action", ACCOUNT_ACTION.items())
def test_each_role_is_created_under_its_own_action(role, action):
    assert authority.account_action(role) == action


class Broker:
    """The broker's management API as onboarding uses it: users, queues, bindings."""
    vhost = "/"

    def __init__(self):
        self.users, self.queues, self.grants, self.closed = {}, {}, {}, []

    def user(self, name):
        return self.users.get(name)

    def put_user(self, name, password):
        self.users[name] = password

    def grant(self, name, *permissions):
        self.grants[name] = permissions

    def close_connections(self, name):
        self.closed.append(name)

    def ensure_policy(self):
        pass

    def queue(self, name):
        return self.queues.get(name)

    def bindings(self, exchange, queue):
        return list(self.queues.get(queue, {}).get("bindings", []))

    def unbind(self, exchange, queue, binding):
        self.queues[queue]["bindings"].remove(binding)

    def request(self, method, *path, ok=()):
        assert method == "DELETE"
        self.queues.pop(path[-1], None)

    def delete_user(self, name):
        self.users.pop(name, None)


HOST = Region("36.71", "Kota Tangerang", "Banten", "tangerangkota.go.id", host=True)
LEBAK = {"code": "36.02", "name": "Kabupaten Lebak", "province": "Banten", "domain": "lebakkab.go.id"}


class Collection:
    """The few calls onboarding makes on a platform-database collection, by _id."""

    def __init__(self):
        self.docs = {}

    def find_one(self, query):
        return self.docs.get(query["_id"])

    def replace_one(self, query, doc, upsert=False):
        self.docs[query["_id"]] = dict(doc)

    def update_one(self, query, change, upsert=False):
        self.docs.setdefault(query["_id"], {"_id": query["_id"]}).update(change["$set"])

    def delete_one(self, query):
        found = self.docs.pop(query["_id"], None)
        return type("Deleted", (), {"deleted_count": int(found is not None)})()


class Db(dict):
    def __missing__(self, name):
        self[name] = Collection()
        return self[name]

    __getattr__ = dict.__getitem__


@pytest.fixture
def registry(monkeypatch):
    regions = {"36.71": HOST}
    db = Db()

    def register(entry):
        region = validate_region(entry)
        regions[region.code] = region
        return region

    def get(code):
        if code not in regions:
            raise NotFound(f"region {code} is not registered", {"field": "region"})
        return regions[code]

    def unregister(code):
        region = get(code)
        if region.host:
            raise ValidationFailed.field("code", "the host region", code="host_region")
        return regions.pop(code)

    def apply(broker, code):
        broker.queues.setdefault(queue_name(code), {"messages": 0, "bindings": [
            {"routing_key": "aspirasi.#", "properties_key": "aspirasi.%23"}]})
        return {"queue": queue_name(code)}

    for module, name, fake in (
            (onboarding_steps, "register_region", register), (onboarding_steps, "get_region", get),
            (onboarding_steps, "registered", lambda code: code in regions),
            (onboarding_steps, "apply_region", apply), (onboarding_steps, "platform_db", lambda: db),
            (onboarding, "get_region", get), (onboarding, "platform_db", lambda: db),
            (offboarding, "unregister_region", unregister)):
        monkeypatch.setattr(module, name, fake)
    return regions


def test_a_partner_region_lives_from_onboarding_to_offboarding(registry):
    broker = Broker()
    first = onboarding.onboard(dict(LEBAK), broker)
    user = first["broker_user"]["user"]
    assert set(registry) == {"36.71", "36.02"} and first["broker_user"]["password"]
    assert broker.users[user] == first["broker_user"]["password"]
    again = onboarding.onboard(dict(LEBAK), broker)  # the same entry: nothing changes
    assert again["broker_user"] == {"user": user, "password": None}
    assert broker.users[user] == first["broker_user"]["password"] and broker.closed == []
    renewed = onboarding.new_credentials("36.02", broker)["broker_user"]
    assert renewed["password"] not in (None, first["broker_user"]["password"])
    assert broker.users[user] == renewed["password"] and broker.closed == [user]  # old sessions end
    gone = offboarding.offboard("36.02", broker)
    assert (gone["backlog"], gone["queue_deleted"]) == (0, True)
    assert set(registry) == {"36.71"} and user not in broker.users
    with pytest.raises(NotFound):
        offboarding.offboard("36.02", broker)


def test_offboarding_keeps_a_backlog_the_region_has_not_fetched(registry):
    broker = Broker()
    onboarding.onboard(dict(LEBAK), broker)
    broker.queues[queue_name("36.02")]["messages"] = 7
    gone = offboarding.offboard("36.02", broker)
    assert (gone["backlog"], gone["queue_deleted"]) == (7, False)
    assert broker.queues[queue_name("36.02")]["bindings"] == []  # nothing routed to it any more


@pytest.mark.parametrize("call", [onboarding.new_credentials, offboarding.offboard])
def test_the_host_region_gets_no_partner_user_and_is_never_offboarded(registry, call):
    broker = Broker()
    with pytest.raises(ValidationFailed) as refused:
        call("36.71", broker)
    assert refused.value.details["fields"]["code"]["code"] == "host_region"
    assert set(registry) == {"36.71"} and broker.users == {}


def test_a_bad_entry_writes_nothing(registry):
    broker = Broker()
    with pytest.raises(ValidationFailed):
        onboarding.onboard({**LEBAK, "categories": [{"code": "x", "name": "y"}]}, broker)
    assert set(registry) == {"36.71"} and broker.users == {} and broker.queues == {}
