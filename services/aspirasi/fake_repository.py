"""An in-memory TicketStore (repository_protocol.py) and an outbox stand-in over it: the service's
handlers run in tests with neither RabbitMQ nor a store.

Documents are copied in and out, as a store would, so a test sees only what was written;
`update` is a compare-and-set on `version`, and a ticket's events wait in its `outbox`
until FakeOutbox.flush moves them to `published` (what the real relay would announce).
"""
import copy
from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

from services.aspirasi.domain import OPEN_STATES, Category
from services.aspirasi.repository import template_categories
from services.aspirasi.repository_protocol import TicketStore
from services.servicekit.errors import Conflict, NotFound

Doc = dict[str, Any]


class FakeTicketRepository:
    def __init__(self, catalogue: list[Doc] | None = None):
        """`catalogue`: the template every region starts from (default catalogue.yaml's)."""
        self.template = catalogue if catalogue is not None else template_categories()
        self.catalogues: dict[str, dict[str, Doc]] = {}
        self.tickets: dict[str, Doc] = {}
        self.claims: dict[str, Doc] = {}
        self.counters: dict[str, int] = {}
        self.keys: dict[str, Doc] = {}

    # catalogue ----------------------------------------------------------
    def _catalogue(self, region_code: str) -> dict[str, Doc]:
        return self.catalogues.setdefault(region_code, {c["code"]: dict(c) for c in self.template})

    def categories(self, region_code: str) -> dict[str, Category]:
        docs = sorted(self._catalogue(region_code).values(), key=lambda d: d["code"])
        return {d["code"]: Category.from_document(d) for d in docs if not d.get("retired_at")}

    def set_category(self, region_code: str, category: Category,
                     sla: dict[str, int] | None = None) -> None:
        doc = self._catalogue(region_code).setdefault(category.code, {})
        doc.update(code=category.code, name=category.name, opd=category.opd)
        if sla:
            doc["sla"] = {**doc.get("sla", {}), **sla}
        doc.pop("retired_at", None)

    def retire_category(self, region_code: str, code: str, now: datetime) -> None:
        doc = self._catalogue(region_code).get(code)
        if doc is None or doc.get("retired_at"):
            raise NotFound(f"no category {code!r} offered in {region_code}", {"field": "category"})
        doc["retired_at"] = now

    def purge_region(self, region_code: str) -> dict[str, int]:
        removed = len(self.catalogues.pop(region_code, {}))
        keys = [h for h, k in self.keys.items() if k["region"] == region_code]
        for key_hash in keys:
            del self.keys[key_hash]
        return {"categories": removed, "api_keys": len(keys),
                "tickets_kept": sum(t["region"] == region_code for t in self.tickets.values())}

    # submissions --------------------------------------------------------
    def next_sequence(self, region_code: str, year: int) -> int:
        key = f"{region_code}:{year}"
        self.counters[key] = self.counters.get(key, 0) + 1
        return self.counters[key]

    def claim_idempotency_key(self, region_code: str, key_hash: str, number: str, sealed: Doc) -> Doc:
        claim = {"_id": f"{region_code}:{key_hash}", "number": number, "key_hashed": True, **sealed}
        return copy.deepcopy(self.claims.setdefault(claim["_id"], claim))

    def find_claim(self, region_code: str, key_hash: str) -> Doc | None:
        return copy.deepcopy(self.claims.get(f"{region_code}:{key_hash}"))

    def drop_sealed_secrets(self, now_epoch: float) -> int:
        dropped = [c for c in self.claims.values() if c.get("sealed_until", now_epoch + 1) <= now_epoch]
        for claim in dropped:
            claim.pop("sealed", None)
            claim.pop("sealed_until", None)
        return len(dropped)

    # tickets --------------------------------------------------------------
    def insert(self, ticket: Doc, events: list[Doc]) -> bool:
        if ticket["_id"] in self.tickets:
            return False
        self.tickets[ticket["_id"]] = {**copy.deepcopy(ticket), "version": 1, "outbox": list(events)}
        return True

    def update(self, ticket: Doc, changes: Doc, events: list[Doc]) -> None:
        stored = self.tickets.get(ticket["_id"])
        if stored is None or stored["version"] != ticket["version"]:
            raise Conflict(f"ticket {ticket['_id']} was changed by someone else; reload and retry",
                           {"field": "version"})
        body = {k: v for k, v in {**ticket, **changes}.items() if k != "outbox"}
        self.tickets[ticket["_id"]] = {**copy.deepcopy(body), "version": ticket["version"] + 1,
                                       "outbox": stored["outbox"] + list(events)}

    def exists(self, number: str) -> bool:
        return number in self.tickets

    def get(self, number: str) -> Doc:
        if number not in self.tickets:
            raise NotFound(f"ticket {number} not found", {"field": "number"})
        return _out(self.tickets[number])

    def in_region(self, region_code: str, number: str) -> Doc | None:
        ticket = self.tickets.get(number)
        return _out(ticket) if ticket and ticket["region"] == region_code else None

    def find(self, region_code: str | None = None, status: Any = None, category: Any = None,
             since: datetime | None = None, until: datetime | None = None, limit: int = 50,
             skip: int = 0) -> list[Doc]:
        def wanted(t: Doc) -> bool:
            return ((not region_code or t["region"] == region_code) and _among(t["status"], status)
                    and _among(t["category"], category) and (not since or t["submitted_at"] >= since)
                    and (not until or t["submitted_at"] <= until))
        found = sorted((t for t in self.tickets.values() if wanted(t)),
                       key=lambda t: (t["submitted_at"], t["_id"]), reverse=True)
        return [_out(t) for t in found[skip:skip + limit]]

    def open_tickets(self, region_code: str | None = None) -> list[Doc]:
        return [_out(t) for t in self.tickets.values() if t["status"] in OPEN_STATES
                and (not region_code or t["region"] == region_code)]

    # figures and queues -----------------------------------------------------
    def _of(self, region_code: str, opd: str | None = None) -> list[Doc]:
        return [_out(t) for t in self.tickets.values()
                if t["region"] == region_code and (not opd or t["opd"] == opd)]

    def for_statistics(self, region_code: str, opd: str | None = None) -> list[Doc]:
        return self._of(region_code, opd)

    def status_counts(self, region_code: str, opd: str | None, statuses: Iterable[str]) -> dict[str, int]:
        tickets = self._of(region_code, opd)
        return {s: sum(t["status"] == s for t in tickets) for s in statuses}

    def queue_rows(self, region_code: str, opd: str | None, statuses: Collection[str],
                   category: str | None = None) -> list[Doc]:
        return [t for t in self._of(region_code, opd)
                if t["status"] in statuses and (not category or t["category"] == category)]

    def for_month(self, region_code: str, start: datetime, end: datetime) -> list[Doc]:
        return [t for t in self._of(region_code) if t["status"] in OPEN_STATES
                or (t["submitted_at"] < end and t["updated_at"] >= start)]

    def live_counts(self, region_codes: Iterable[str]) -> dict[str, dict[str, int]]:
        counts = {}
        for code in region_codes:
            tickets = self._of(code)
            resolved = [t for t in tickets if t["status"] == "resolved"]
            counts[code] = {"received": len(tickets), "resolved": len(resolved),
                            "resolved_on_time": sum(not t.get("breaches") for t in resolved)}
        return counts

    def open_by_office(self) -> list[Doc]:
        return [{k: t[k] for k in ("region", "opd", "status")} for t in self.open_tickets()]

    def outbox_backlog(self) -> int:
        return sum(bool(t["outbox"]) for t in self.tickets.values())

    # Open311 api_keys -------------------------------------------------------
    def add_api_key(self, key_hash: str, region_code: str, label: str | None, created_at: datetime) -> None:
        self.keys[key_hash] = {"_id": key_hash, "region": region_code, "label": label,
                               "created_at": created_at}

    def api_keys(self, region_code: str) -> list[Doc]:
        return [dict(k) for k in self.keys.values() if k["region"] == region_code]

    def api_key(self, key_hash: str) -> Doc | None:
        return dict(self.keys[key_hash]) if key_hash in self.keys else None

    def api_key_by_prefix(self, region_code: str, prefix: str) -> Doc | None:
        return next((dict(k) for h, k in self.keys.items()
                     if h.startswith(prefix) and k["region"] == region_code), None)

    def revoke_api_key(self, key_hash: str, revoked_at: str) -> None:
        self.keys[key_hash]["revoked_at"] = revoked_at


class FakeOutbox:
    """The outbox's relay over a FakeTicketRepository: `flush` announces what a ticket's
    write queued (in `published`, in order) and clears it, as OutboxRelay.flush does."""

    def __init__(self, repo: FakeTicketRepository):
        self.repo = repo
        self.published: list[Doc] = []

    def flush(self, collection: str, doc_id: str) -> None:
        ticket = self.repo.tickets.get(doc_id)
        if ticket:
            self.published.extend(ticket["outbox"])
            ticket["outbox"] = []


def _out(ticket: Doc) -> Doc:
    """A stored ticket as the store answers it: a copy, without its outbox."""
    return copy.deepcopy({k: v for k, v in ticket.items() if k != "outbox"})


def _among(value: Any, wanted: Any) -> bool:
    if not wanted:
        return True
    return value in wanted if isinstance(wanted, (list, set, tuple)) else value == wanted


def _keeps_the_protocol(repo: FakeTicketRepository) -> TicketStore:
    return repo  # mypy checks here that the fake is a TicketStore
