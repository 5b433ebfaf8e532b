"""Pencaker's clocks: vacancies past validThrough closed, lapsed cards expired, report
windows announced, placements finished, and the gauges Prometheus reads."""
from nameko.timer import timer
from prometheus_client import Gauge

from services.pencaker.domain import seekers, vacancies
from services.pencaker.storing import Storing
from services.servicekit.entrypoints import rpc
from services.servicekit.envelope import utcnow
from services.servicekit.regions import all_regions

OPEN_VACANCIES = Gauge("tl_pencaker_open_vacancies", "Published vacancies before validThrough",
                       ["region"])
SEEKERS_REGISTERED = Gauge("tl_pencaker_seekers_registered", "Active (registered, unexpired) job seekers",
                           ["region"])


class Clocks(Storing):
    @rpc
    def sweep(self):
        """Close vacancies past validThrough, expire lapsed cards, finish placements."""
        now = utcnow()
        closed = 0
        for vacancy in vacancies.due_to_expire(self.repo.expired_vacancies(now), now):
            self._close(vacancy, "expired", now)
            closed += 1
        expired = 0
        for seeker in self.repo.seekers_to_check():
            if lapsed := seekers.expire(seeker, now):
                self._save("seekers", seeker, lapsed)
                expired += 1
            elif window := seekers.announce_report_window(seeker, now):
                self._save("seekers", seeker, window)
        for application in self.repo.pending_placements():
            self._place(application, now)
        return {"vacancies_closed": closed, "seekers_expired": expired}

    @timer(interval=30)
    def expiry_clock(self):
        self.sweep()
        counts: dict[str, int] = {}
        for vacancy in self.repo.open_vacancies(None, utcnow()):
            counts[vacancy["region"]] = counts.get(vacancy["region"], 0) + 1
        for region in all_regions():
            OPEN_VACANCIES.labels(region.code).set(counts.get(region.code, 0))
            SEEKERS_REGISTERED.labels(region.code).set(self.repo.count_active_seekers(region.code))
