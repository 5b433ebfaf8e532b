"""An in-memory PencakerRepo (repository_protocol.py) for tests without a store, and an
outbox stand-in that "publishes" what a write queued: the unit tests drive the service's
entrypoints with them and read what was stored and what was announced."""
import copy
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from services.pencaker.repository import default_sources
from services.servicekit.errors import Conflict, NotFound

Record = dict[str, Any]
WHAT = {"seekers": "seeker", "employers": "employer", "vacancies": "vacancy", "applications": "application"}


class FakePencakerRepo:
    def __init__(self) -> None:
        self.collections: dict[str, dict[str, Record]] = {name: {} for name in WHAT}
        self.outboxes: dict[tuple[str, str], list[Record]] = {}
        self.counters: dict[str, int] = {}
        self.subscriptions: dict[str, list[str]] = {}

    def next_sequence(self, name: str) -> int:
        self.counters[name] = self.counters.get(name, 0) + 1
        return self.counters[name]

    def _insert(self, collection: str, record: Record, events: Iterable[Record], duplicate: Conflict) -> None:
        if record["_id"] in self.collections[collection]:
            raise duplicate
        self.collections[collection][record["_id"]] = copy.deepcopy({**record, "version": 1})
        self.outboxes.setdefault((collection, record["_id"]), []).extend(events)

    def _get(self, collection: str, record_id: str) -> Record:
        if record_id not in self.collections[collection]:
            what = WHAT[collection]
            raise NotFound(f"{what} {record_id} not found", {"field": f"{what}_id"})
        return copy.deepcopy(self.collections[collection][record_id])

    def _all(self, collection: str, **equal: Any) -> list[Record]:
        return [copy.deepcopy(r) for r in self.collections[collection].values()
                if all(r.get(k) == v for k, v in equal.items())]

    def update(self, collection: str, doc: Record, changes: Record, events: Iterable[Record] = ()) -> Record:
        current = self.collections[collection].get(doc["_id"])
        if current is None or current["version"] != doc["version"]:
            raise Conflict(f"{doc['_id']} was changed meanwhile; reload and retry",
                           {"field": "version", "code": "changed_meanwhile"})
        stored = {**current, **copy.deepcopy(changes), "version": doc["version"] + 1}
        self.collections[collection][doc["_id"]] = stored
        self.outboxes.setdefault((collection, doc["_id"]), []).extend(events)
        return copy.deepcopy(stored)

    # seekers ------------------------------------------------------------
    def insert_seeker(self, seeker: Record, events: Iterable[Record]) -> None:
        if self._all("seekers", region=seeker["region"], nik=seeker["nik"]):
            raise Conflict("NIK is already registered", {"field": "nik", "code": "nik_registered"})
        self._insert("seekers", seeker, events, Conflict("duplicate seeker id"))

    def get_seeker(self, seeker_id: str) -> Record:
        return self._get("seekers", seeker_id)

    def seeker_by_nik(self, region_code: str, nik: str) -> Record | None:
        return next(iter(self._all("seekers", region=region_code, nik=nik)), None)

    def seekers_in(self, regions: Iterable[str]) -> list[Record]:
        wanted = set(regions)
        return [s for s in self._all("seekers", status="active") if s["region"] in wanted]

    def count_active_seekers(self, region_code: str) -> int:
        return len(self._all("seekers", region=region_code, status="active"))

    def seekers_to_check(self) -> list[Record]:
        return self._all("seekers", status="active")

    # employers ----------------------------------------------------------
    def insert_employer(self, employer: Record) -> None:
        self._insert("employers", employer, [], Conflict("duplicate employer id"))

    def get_employer(self, employer_id: str) -> Record:
        return self._get("employers", employer_id)

    def employers_of(self, region_code: str, limit: int) -> list[Record]:
        found = self._all("employers", region=region_code)
        return sorted(found, key=lambda e: e["created_at"], reverse=True)[:limit]

    # vacancies ----------------------------------------------------------
    def insert_vacancy(self, vacancy: Record) -> None:
        self._insert("vacancies", vacancy, [], Conflict("duplicate vacancy id"))

    def get_vacancy(self, vacancy_id: str) -> Record:
        return self._get("vacancies", vacancy_id)

    def open_vacancies(self, regions: Iterable[str] | None, now: datetime) -> list[Record]:
        wanted = None if regions is None else set(regions)
        return [v for v in self._all("vacancies", status="published")
                if v["valid_through"] > now and (wanted is None or v["region"] in wanted)]

    def open_count(self, regions: Iterable[str], now: datetime) -> int:
        return len(self.open_vacancies(regions, now))

    def newest_vacancies(self, regions: Iterable[str], now: datetime, limit: int) -> list[Record]:
        found = self.open_vacancies(regions, now)
        return sorted(found, key=lambda v: (v["posted_at"], v["_id"]), reverse=True)[:limit]

    def pending_vacancies(self, region_code: str) -> list[Record]:
        found = self._all("vacancies", status="pending", region=region_code)
        return sorted(found, key=lambda v: v["created_at"])

    def employer_vacancies(self, employer_id: str) -> list[Record]:
        found = self._all("vacancies", employer_id=employer_id)
        return sorted(found, key=lambda v: v["created_at"], reverse=True)

    def expired_vacancies(self, now: datetime) -> list[Record]:
        return [v for v in self._all("vacancies", status="published") if v["valid_through"] <= now]

    # applications -------------------------------------------------------
    def insert_application(self, application: Record, events: Iterable[Record]) -> None:
        self._insert("applications", application, events, Conflict(
            f"you already applied to vacancy {application['vacancy_id']}; one application per vacancy",
            {"field": "vacancy_id", "code": "already_applied"}))

    def get_application(self, application_id: str) -> Record:
        return self._get("applications", application_id)

    def applications(self, **query: Any) -> list[Record]:
        return sorted(self._all("applications", **query), key=lambda a: a["submitted_at"], reverse=True)

    def pending_placements(self) -> list[Record]:
        return self._all("applications", placement_pending=True)

    def accepted_count(self, vacancy_id: str) -> int:
        return len(self._all("applications", vacancy_id=vacancy_id, status="accepted"))

    # subscriptions ------------------------------------------------------
    def sources(self, region_code: str) -> list[str]:
        return list(self.subscriptions.get(region_code) or default_sources(region_code))

    def set_sources(self, region_code: str, sources: list[str], now: datetime) -> list[str]:
        self.subscriptions[region_code] = sorted(set(sources) | {region_code})
        return self.sources(region_code)

    def regions_showing(self, source_region: str, region_codes: list[str]) -> list[str]:
        return [code for code in region_codes if source_region in self.sources(code)]


class FakeOutbox:
    """The outbox's `flush`: what a write queued for one record is published (kept in order)."""

    def __init__(self, repo: FakePencakerRepo) -> None:
        self.repo = repo
        self.published: list[Record] = []

    def flush(self, collection: str, record_id: str) -> int:
        queued = self.repo.outboxes.pop((collection, record_id), [])
        self.published.extend(queued)
        return len(queued)

    def types(self) -> list[str]:
        return [event["event_type"] for event in self.published]
