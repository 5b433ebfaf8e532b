"""The onboarding plan as data: STEPS, each (do, undo), used alike by `tools.regions add
--profile` and POST /api/v1/admin/regions (onboarding.onboard runs it).

    registry       the registry document (and the run's journal, `onboarding` collection)
    subscriptions  the run-time subscriptions document, when the profile gives them
    queue          the region's queue on tangerang.shared, bound to its subscriptions
    broker_user    region-<code>, fenced to its queue and routing keys (partners only)
    categories     the LAKSA catalogue: the template plus the profile's own, with SLA
    markets        a slot, disabled: lane harga's prices RPCs are wired here after merge
    admin          the first region_admin account (the gateway's accounts)

Secrets (the broker user's password, the admin's first password) are made by their step
and kept in the run; onboard() answers them once, after the last step. An undo removes
what its run made; on a region that existed before, it puts back what it found.
"""
import secrets
from dataclasses import dataclass
from typing import Any, Protocol

from services.platform.broker_api import Broker
from services.platform.onboarding_plan import Run, Step
from services.platform.onboarding_profile import MARKETS_WIRED, Profile
from services.platform.partner_names import partner_permissions, partner_user, queue_name
from services.platform.region_queues import apply_region, ensure_region_queue, ensure_uplink
from services.platform.subscription_store import store_subscriptions
from services.servicekit import regions as registry
from services.servicekit.envelope import utcnow
from services.servicekit.outbox import SHARED_EXCHANGE_NAME
from services.servicekit.regions import get_region, platform_db, register_region

ADMIN_ROLE = "region_admin"


class Catalogue(Protocol):
    """The aspirasi service's categories, as onboarding writes them (an RPC proxy)."""

    def preflight(self) -> None: ...  # can it sign as the operator? ConfigError if not
    def categories(self, region_code: str) -> list[Any]: ...
    def set_category(self, region_code: str, code: str, name: str, opd: str,
                     sla: dict[str, int] | None = None) -> Any: ...
    def retire_category(self, region_code: str, code: str) -> Any: ...
    def purge(self, region_code: str) -> dict[str, int]: ...


class Accounts(Protocol):
    """The gateway's accounts, as onboarding makes and removes them."""

    def find(self, username: str) -> dict[str, Any] | None: ...
    def create(self, username: str, password: str, role: str, region: str) -> Any: ...
    def reset_password(self, username: str, password: str) -> None: ...
    def delete(self, username: str) -> None: ...
    def purge(self, region_code: str) -> list[str]: ...


@dataclass(frozen=True)
class Inputs:
    """What one onboarding works with: the checked profile and the ports it writes through."""
    profile: Profile
    broker: Broker
    catalogue: Catalogue | None = None
    accounts: Accounts | None = None


def _db() -> Any:
    db = platform_db()
    assert db is not None, "checked before the plan runs (onboarding.preflight)"
    return db


def _restore(collection: Any, code: str, before: dict[str, Any] | None) -> None:
    if before is None:
        collection.delete_one({"_id": code})
    else:
        collection.replace_one({"_id": code}, before, upsert=True)


def forget_cached_registry() -> None:
    # profile: servicekit.regions has no public "forget"; this process must not serve the
    # undone entry from its copy for the next REFRESH_SECONDS.
    registry._runtime.invalidate()


def registered(code: str) -> bool:
    """Whether `code` is registered now (read from the store, not this process's copy)."""
    return code in registry.load_regions(force=True)


def registry_do(run: Run) -> dict[str, Any]:
    db, code = _db(), run.code
    run.before["registry"] = db[registry.COLLECTION].find_one({"_id": code})
    run.before["journal"] = db.onboarding.find_one({"_id": code})
    known = registered(code)
    unfinished = bool(run.before["journal"]) and not run.before["journal"].get("finished")
    run.fresh = not known or unfinished
    db.onboarding.update_one({"_id": code}, {"$set": {"finished": False, "started_at": utcnow()}},
                             upsert=True)
    return register_region(run.ports.profile.entry).to_dict()


def registry_undo(run: Run) -> None:
    db = _db()
    if "registry" in run.before:
        _restore(db[registry.COLLECTION], run.code, run.before["registry"])
    if "journal" in run.before:
        _restore(db.onboarding, run.code, run.before["journal"])
    forget_cached_registry()


def subscriptions_do(run: Run) -> Any:
    subscriptions = run.ports.profile.subscriptions
    if subscriptions is None:
        return None
    run.before["subscriptions"] = _db().subscriptions.find_one({"_id": run.code})
    store_subscriptions(run.code, subscriptions)
    return subscriptions


def subscriptions_undo(run: Run) -> None:
    if "subscriptions" in run.before:
        _restore(_db().subscriptions, run.code, run.before["subscriptions"])


def queue_do(run: Run) -> dict[str, Any]:
    broker, queue = run.ports.broker, queue_name(run.code)
    broker.ensure_policy()  # one policy for every partner queue: kept on undo
    found = broker.queue(queue)
    run.before["bindings"] = None if found is None else [
        b["routing_key"] for b in broker.bindings(SHARED_EXCHANGE_NAME, queue)]
    return apply_region(broker, run.code)


def queue_undo(run: Run) -> None:
    if "bindings" not in run.before:
        return
    broker, before = run.ports.broker, run.before["bindings"]
    if before is None:
        broker.request("DELETE", "queues", broker.vhost, queue_name(run.code), ok=(204, 404))
    else:  # a queue that was there keeps what is queued, with its bindings as they were
        ensure_region_queue(broker, run.code, before)


def broker_user_do(run: Run) -> dict[str, Any] | None:
    region = get_region(run.code)
    if region.host:
        return None
    broker = run.ports.broker
    name = partner_user(run.code, broker.vhost)
    found = broker.user(name) is not None
    run.before["broker_user"] = found
    if not found or run.fresh:  # a half-made region's password was never shown: a new one
        password = secrets.token_hex(24)  # hex: safe unescaped in an AMQP URI
        broker.put_user(name, password)
        run.made["broker_user"] = name
        run.secrets["broker_password"] = password
    if region.edge:
        ensure_uplink(broker)
    broker.grant(name, *partner_permissions(region.code, region.edge))
    if found and run.fresh:
        broker.close_connections(name)
    return {"user": name}


def broker_user_undo(run: Run) -> None:
    name = run.made.get("broker_user")
    if name:
        run.ports.broker.delete_user(name)
        run.ports.broker.close_connections(name)


def categories_do(run: Run) -> int | None:
    catalogue = run.ports.catalogue
    if catalogue is None:
        return None
    if not run.fresh:
        run.before["categories"] = {c["code"]: c for c in catalogue.categories(run.code)}
    run.made["categories"] = True
    for item in run.ports.profile.categories:
        catalogue.set_category(run.code, item["code"], item["name"], item["opd"], item.get("sla"))
    return len(catalogue.categories(run.code))


def categories_undo(run: Run) -> None:
    catalogue = run.ports.catalogue
    if catalogue is None or not run.made.get("categories"):
        return
    if run.fresh:  # a new region: no catalogue at all, not even the template
        catalogue.purge(run.code)
        return
    for item in run.ports.profile.categories:
        before = run.before["categories"].get(item["code"])
        if before is None:
            catalogue.retire_category(run.code, item["code"])
        else:  # its SLA is put back only when this run changed it
            catalogue.set_category(run.code, before["code"], before["name"], before["opd"],
                                   _interface_sla(before.get("sla")) if item.get("sla") else None)


def _interface_sla(stored: Any) -> dict[str, int] | None:
    """A category's SLA as aspirasi shows it ({verify, follow_up}; profile: perhaps already
    {verify_days, follow_up_days} after the merge) in the profile's names."""
    if not stored:
        return None
    named = {(k if k.endswith("_days") else f"{k}_days"): v for k, v in stored.items()}
    return {k: v for k, v in named.items() if k in ("verify_days", "follow_up_days")}


def markets_do(run: Run) -> None:
    """profile/harga: for each profile market, prices.add_market(region, code, name, lat, lon)."""


def markets_undo(run: Run) -> None:
    """profile/harga: prices.retire_market for each market markets_do added."""


def admin_do(run: Run) -> dict[str, Any] | None:
    admin, accounts = run.ports.profile.admin, run.ports.accounts
    if admin is None or accounts is None:
        return None
    username = admin["username"]
    found = accounts.find(username)
    if found is not None and not run.fresh:
        return {"username": username, "created": False}  # its password stays its own
    password = secrets.token_urlsafe(18)
    if found is None:
        run.made["admin"] = username  # before create: a half-made account is removed too
        accounts.create(username, password, ADMIN_ROLE, run.code)
    else:  # made by a run that did not finish: its first password was never shown
        accounts.reset_password(username, password)
    run.secrets["admin_password"] = password
    return {"username": username, "created": found is None}


def admin_undo(run: Run) -> None:
    username = run.made.get("admin")
    if username and run.ports.accounts is not None:
        run.ports.accounts.delete(username)


STEPS = (
    Step("registry", registry_do, registry_undo),
    Step("subscriptions", subscriptions_do, subscriptions_undo),
    Step("queue", queue_do, queue_undo),
    Step("broker_user", broker_user_do, broker_user_undo),
    Step("categories", categories_do, categories_undo),
    Step("markets", markets_do, markets_undo, enabled=MARKETS_WIRED,
         note="not wired yet: the prices service's add_market/retire_market (lane harga) "
              "are wired here after the merge; add markets in the prices console meanwhile"),
    Step("admin", admin_do, admin_undo),
)


def finish(run: Run) -> None:
    """The run's journal says it finished: a later run of the same profile shows no secret."""
    _db().onboarding.update_one({"_id": run.code}, {"$set": {"finished": True, "finished_at": utcnow()}})
