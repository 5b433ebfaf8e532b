"""Pencaker's matching entrypoints: vacancies for a seeker, seekers (by opaque id) for
a vacancy."""

from services.pencaker.access import authorize_caller
from services.pencaker.domain import matching
from services.pencaker.domain.announcements import posted_payload
from services.pencaker.repository import region_centroids
from services.pencaker.storing import Storing
from services.servicekit.contracts.pencaker import live_vacancy
from services.servicekit.entrypoints import rpc
from services.servicekit.envelope import utcnow
from services.servicekit.regions import all_regions

MAX_MATCH_EVENTS = 100

class Matching(Storing):
    @rpc
    def matches_for_seeker(self, seeker_id, *, caller, limit=10):
        seeker = self.repo.get_seeker(seeker_id)
        authorize_caller("seeker_matches", caller, seeker)
        now = utcnow()
        open_now = self.repo.open_vacancies(self.repo.sources(seeker["region"]), now)
        ranked = matching.rank([(seeker, v) for v in open_now], region_centroids(), limit)
        return [{**result, "vacancy": live_vacancy(posted_payload(v))} for result, _, v in ranked]

    @rpc
    def matches_for_vacancy(self, vacancy_id, *, caller, limit=10):
        """Seekers by opaque id with what matters for the job, never who they are."""
        vacancy = self.repo.get_vacancy(vacancy_id)
        authorize_caller("vacancy_matches", caller, vacancy)
        return [{**result, "seeker": {"seeker_id": s["_id"], "region": s["region"],
                                      "education_level": s["education"]["level"],
                                      "skills": s["skills"]}}
                for result, s, _ in self._candidates(vacancy)[:limit]]

    def _candidates(self, vacancy):
        """Active seekers of the regions that show this vacancy, best first."""
        regions = self.repo.regions_showing(vacancy["region"], [r.code for r in all_regions()])
        seekers = self.repo.seekers_in(regions)
        return matching.rank([(s, vacancy) for s in seekers], region_centroids(), MAX_MATCH_EVENTS)
