"""Pencaker's storage adapter: seekers, employers, vacancies, applications, subscriptions
(one PencakerRepo, repository_protocol.py; the unit tests' is fake_repository.py)."""
from functools import lru_cache
from pathlib import Path

import yaml
from pymongo import ASCENDING, DESCENDING, ReturnDocument
from pymongo.errors import DuplicateKeyError

from services.servicekit.errors import Conflict, NotFound
from services.servicekit.outbox_fields import pending
from services.servicekit.regions import host_code
from services.servicekit.store import Repository

CENTROIDS_FILE = Path(__file__).parent / "region_centroids.yaml"


@lru_cache(maxsize=1)
def region_centroids():
    return yaml.safe_load(CENTROIDS_FILE.read_text())["centroids"]


def default_sources(region_code):
    """A region shows its own vacancies and the host city's (HOST_REGION) unless it says otherwise."""
    return sorted({region_code, host_code()})


class PencakerRepository(Repository):
    indexes = {
        "seekers": [
            ([("region", ASCENDING), ("nik", ASCENDING)], {"unique": True}),
            ([("region", ASCENDING), ("status", ASCENDING)], {}),
            ([("outbox_pending", ASCENDING)], {}),
        ],
        "employers": [([("owner", ASCENDING)], {}), ([("region", ASCENDING)], {})],
        "vacancies": [
            ([("status", ASCENDING), ("region", ASCENDING), ("valid_through", ASCENDING)], {}),
            ([("employer_id", ASCENDING)], {}),
            ([("outbox_pending", ASCENDING)], {}),
        ],
        "applications": [
            ([("vacancy_id", ASCENDING)], {}),
            ([("seeker_id", ASCENDING)], {}),
            ([("placement_pending", ASCENDING)], {}),
            ([("outbox_pending", ASCENDING)], {}),
        ],
    }

    def next_sequence(self, name):
        doc = self.db.counters.find_one_and_update(
            {"_id": name}, {"$inc": {"seq": 1}}, upsert=True, return_document=ReturnDocument.AFTER)
        return doc["seq"]

    def _get(self, collection, doc_id, what):
        doc = self.db[collection].find_one({"_id": doc_id}, {"outbox": 0})
        if doc is None:
            raise NotFound(f"{what} {doc_id} not found", {"field": f"{what.replace(' ', '_')}_id"})
        return doc

    def update(self, collection, doc, changes, events=()):
        """Compare-and-set on `version`, queueing `events` in the same write.

        A whole-document replace, because nx-27017 stores a datetime given to
        `$set` as a string (replace and insert keep it a datetime).
        """
        current = self.db[collection].find_one({"_id": doc["_id"], "version": doc["version"]})
        if current is not None:
            outbox = current.get("outbox", []) + list(events)
            current.update(changes, version=doc["version"] + 1, **pending(outbox))
            result = self.db[collection].replace_one({"_id": doc["_id"], "version": doc["version"]},
                                                     current)
        if current is None or result.matched_count == 0:
            raise Conflict(f"{doc['_id']} was changed meanwhile; reload and retry",
                           {"field": "version", "code": "changed_meanwhile"})
        return {**doc, **changes, "version": doc["version"] + 1}

    # seekers ------------------------------------------------------------
    def insert_seeker(self, seeker, events):
        try:
            self.db.seekers.insert_one({**seeker, "version": 1, **pending(events)})
        except DuplicateKeyError:
            raise Conflict(f"NIK {seeker['nik'][:4]}************ is already registered in region "
                           f"{seeker['region']}; report or update the existing AK/1 card instead",
                           {"field": "nik", "code": "nik_registered"}) from None

    def get_seeker(self, seeker_id):
        return self._get("seekers", seeker_id, "seeker")

    def seeker_by_nik(self, region_code, nik):
        return self.db.seekers.find_one({"region": region_code, "nik": nik}, {"outbox": 0})

    def seekers_in(self, regions):
        return list(self.db.seekers.find({"region": {"$in": list(regions)}, "status": "active"},
                                         {"outbox": 0}))

    def count_active_seekers(self, region_code):
        return self.db.seekers.count_documents({"region": region_code, "status": "active"})

    def seekers_to_check(self):
        return list(self.db.seekers.find({"status": "active"}, {"outbox": 0}))

    # employers ----------------------------------------------------------
    def insert_employer(self, employer):
        self.db.employers.insert_one({**employer, "version": 1})

    def get_employer(self, employer_id):
        return self._get("employers", employer_id, "employer")

    def employers_of(self, region_code, limit):
        return list(self.db.employers.find({"region": region_code}).sort("created_at", DESCENDING)
                    .limit(limit))

    # vacancies ----------------------------------------------------------
    def insert_vacancy(self, vacancy):
        self.db.vacancies.insert_one({**vacancy, "version": 1, **pending([])})

    def get_vacancy(self, vacancy_id):
        return self._get("vacancies", vacancy_id, "vacancy")

    def open_vacancies(self, regions, now):
        query = {"status": "published", "valid_through": {"$gt": now}}
        if regions is not None:
            query["region"] = {"$in": list(regions)}
        return list(self.db.vacancies.find(query, {"outbox": 0}))

    def open_count(self, regions, now):
        return self.db.vacancies.count_documents(
            {"status": "published", "valid_through": {"$gt": now}, "region": {"$in": list(regions)}})

    def newest_vacancies(self, regions, now, limit):
        cursor = self.db.vacancies.find(
            {"status": "published", "region": {"$in": list(regions)}, "valid_through": {"$gt": now}},
            {"outbox": 0}).sort([("posted_at", DESCENDING), ("_id", DESCENDING)])
        return list(cursor.limit(limit))

    def pending_vacancies(self, region_code):
        return list(self.db.vacancies.find({"status": "pending", "region": region_code},
                                           {"outbox": 0}).sort("created_at", ASCENDING))

    def employer_vacancies(self, employer_id):
        return list(self.db.vacancies.find({"employer_id": employer_id}, {"outbox": 0})
                    .sort("created_at", DESCENDING))

    def expired_vacancies(self, now):
        return list(self.db.vacancies.find(
            {"status": "published", "valid_through": {"$lte": now}}, {"outbox": 0}))

    # applications -------------------------------------------------------
    def insert_application(self, application, events):
        try:
            self.db.applications.insert_one({**application, "version": 1, **pending(events)})
        except DuplicateKeyError:
            raise Conflict(f"you already applied to vacancy {application['vacancy_id']}; "
                           "one application per vacancy",
                           {"field": "vacancy_id", "code": "already_applied"}) from None

    def get_application(self, application_id):
        return self._get("applications", application_id, "application")

    def applications(self, **query):
        return list(self.db.applications.find(query, {"outbox": 0}).sort("submitted_at", DESCENDING))

    def pending_placements(self):
        return list(self.db.applications.find({"placement_pending": True}, {"outbox": 0}))

    def accepted_count(self, vacancy_id):
        return self.db.applications.count_documents({"vacancy_id": vacancy_id, "status": "accepted"})

    # subscriptions ------------------------------------------------------
    def sources(self, region_code):
        """Which regions' vacancies `region_code` shows."""
        doc = self.db.subscriptions.find_one({"_id": region_code})
        return doc["sources"] if doc else default_sources(region_code)

    def set_sources(self, region_code, sources, now):
        doc = {"_id": region_code, "sources": sorted(set(sources) | {region_code}), "updated_at": now}
        # insert, else replace: nx-27017's replace_one(upsert=True) inserts nothing
        try:
            self.db.subscriptions.insert_one(doc)
        except DuplicateKeyError:
            self.db.subscriptions.replace_one({"_id": region_code}, doc)
        return self.sources(region_code)

    def regions_showing(self, source_region, region_codes):
        """The regions (of `region_codes`) whose seekers see `source_region`'s vacancies."""
        stored = {d["_id"]: d["sources"] for d in self.db.subscriptions.find({})}
        return [code for code in region_codes
                if source_region in stored.get(code, default_sources(code))]
