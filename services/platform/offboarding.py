"""Removing a region: `tools.regions remove [--purge]`, DELETE /api/v1/admin/regions/{code}.

Without purge the region is unregistered, nothing is routed to it and its broker user
is gone; its queue is deleted only when empty (a backlog it has not fetched is not
thrown away by accident), and its categories, accounts and tickets stay.

With purge everything the region had goes: its LAKSA catalogue and Open311 keys
(aspirasi), its accounts (gateway), its queue and bindings, its broker user, its
subscriptions, its onboarding journal and its registry document, in that order: the
registry last, so a purge that stops half-way is completed by running it again. What
stays is said in the answer (`kept`): the region's tickets and the other services'
records, the public record of what its citizens reported and its offices answered,
which an archive duty keeps (a region's data leaves with its own export, not here).
"""
from typing import Any

from services.platform.broker_api import Broker
from services.platform.onboarding_steps import Accounts, Catalogue, forget_cached_registry
from services.platform.partner_names import partner_user, queue_name
from services.servicekit import regions as registry
from services.servicekit.errors import NotFound, ValidationFailed
from services.servicekit.outbox import SHARED_EXCHANGE_NAME
from services.servicekit.regions import CODE_PATTERN, get_region, unregister_region

KEPT_WHY = ("tickets and other services' records (pencaker, prices, news) stay: the public record "
            "of what the region's citizens reported and its offices answered")


def offboard(code: Any, broker: Broker, purge: bool = False, catalogue: Catalogue | None = None,
             accounts: Accounts | None = None) -> dict[str, Any]:
    """Unregister a region (or, with `purge`, remove everything it had); the answer says
    what was removed and what was kept."""
    if not isinstance(code, str) or not CODE_PATTERN.match(code):
        raise ValidationFailed.field("code", f"{code!r} is not a Kemendagri code; use the form 36.71",
                                     code="bad_region_code")
    if not purge:
        region = unregister_region(code)
        return {"region": region.to_dict(), **_broker_part(broker, code, purge=False),
                "kept": {"categories": True, "accounts": True, "tickets": True, "why": KEPT_WHY}}
    return _purge(code, broker, catalogue, accounts)


def _purge(code: str, broker: Broker, catalogue: Catalogue | None,
           accounts: Accounts | None) -> dict[str, Any]:
    region = _known_or_leftover(code)
    db = registry._require_db()  # the registry's own: the platform database, or a clear refusal
    removed: dict[str, Any] = {}
    aspirasi = catalogue.purge(code) if catalogue is not None else None
    removed["categories"] = aspirasi and aspirasi["categories"]
    removed["api_keys"] = aspirasi and aspirasi["api_keys"]
    removed["accounts"] = accounts.purge(code) if accounts is not None else None
    topology = _broker_part(broker, code, purge=True)
    removed["subscriptions"] = db.subscriptions.delete_one({"_id": code}).deleted_count
    db.onboarding.delete_one({"_id": code})
    removed["registry"] = _drop_registry(db, code, region)
    forget_cached_registry()
    return {"region": region, **topology, "removed": removed,
            "kept": {"tickets": aspirasi and aspirasi["tickets_kept"], "why": KEPT_WHY,
                     "registry_marker": code in registry.file_regions(),
                     **({} if catalogue is not None else {"categories": "aspirasi not reachable"}),
                     **({} if accounts is not None else {"accounts": "accounts not reachable"})}}


def _known_or_leftover(code: str) -> dict[str, Any]:
    """The region's registry view; a region already unregistered (a purge run again, or
    one removed earlier without purge) is purged of what it left."""
    try:
        region = get_region(code)
    except NotFound:
        return {"code": code, "removed": True}
    if region.host:
        raise ValidationFailed.field("code", f"{code} is the host region and cannot be removed",
                                     code="host_region")
    return region.to_dict()


def _drop_registry(db: Any, code: str, region: dict[str, Any]) -> str:
    """Delete the document; a region of the registry file keeps a `removed` marker, the one
    way to hide a file entry (it holds nothing of the region but its code)."""
    if code in registry.file_regions():
        db[registry.COLLECTION].replace_one({"_id": code}, {"_id": code, "removed": True}, upsert=True)
        return "marker"
    return "deleted" if db[registry.COLLECTION].delete_one({"_id": code}).deleted_count else "absent"


def _broker_part(broker: Broker, code: str, purge: bool) -> dict[str, Any]:
    """Its queue unbound (deleted when empty, or with purge) and its broker user deleted."""
    queue = queue_name(code)
    info = broker.queue(queue)
    backlog = (info or {}).get("messages", 0)
    if info is not None:
        for binding in broker.bindings(SHARED_EXCHANGE_NAME, queue):
            broker.unbind(SHARED_EXCHANGE_NAME, queue, binding)
        if purge or not backlog:
            broker.request("DELETE", "queues", broker.vhost, queue, ok=(204, 404))
    user = partner_user(code, broker.vhost)
    broker.delete_user(user)
    broker.close_connections(user)
    return {"queue": queue, "backlog": backlog, "queue_deleted": info is not None and (purge or not backlog),
            "broker_user_deleted": user}
