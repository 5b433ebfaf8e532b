"""Pencaker's vacancy search, the live view's summary and marks, and which regions'
vacancies a region shows."""

from services.pencaker import commands
from services.pencaker.access import authorize_caller
from services.pencaker.domain import search, vacancies
from services.pencaker.domain.announcements import posted_payload
from services.pencaker.domain.checks import checked
from services.pencaker.storing import Storing
from services.servicekit.contracts.pencaker import live_vacancy
from services.servicekit.entrypoints import rpc
from services.servicekit.envelope import isoformat, utcnow
from services.servicekit.errors import ValidationFailed
from services.servicekit.regions import get_region, registered_codes


class VacancySearch(Storing):
    @rpc
    def search_vacancies(self, region_code, params):
        region = get_region(region_code)
        filters = search.parse(params or {})
        sources = self.repo.sources(region.code)
        regions = filters["regions"] or sources
        outside = [code for code in regions if code not in sources]
        if outside:
            raise ValidationFailed.field("regions", f"{', '.join(outside)} not shared with "
                                         f"{region.name}; it shows {', '.join(sources)}",
                                         code="not_shared", regions=outside, sources=sources)
        now = utcnow()
        total, page = search.results(self.repo.open_vacancies(regions, now), filters, now)
        return {"region": region.code, "sources": sources, "total": total, "page": filters["page"],
                "per_page": filters["per_page"], "sort": filters["sort"],
                "items": [vacancies.view(v, get_region(v["region"]), now) for v in page]}

    @rpc
    def live_summary(self, region_code, limit=5):
        """The vacancies the region's loker page lists (its own and its sources'):
        how many are open, and the newest; with the moment they were read."""
        get_region(region_code)
        now = utcnow()
        sources = self.repo.sources(region_code)
        return {"open": self.repo.open_count(sources, now), "sources": sources,
                "newest": [live_vacancy(posted_payload(v))
                           for v in self.repo.newest_vacancies(sources, now, limit)],
                "as_of": isoformat(now)}

    @rpc
    def live_marks(self, region_codes, limit=5):
        """Per region, what the live view's mark of live_summary is: how the gateway checks it."""
        now, marks = utcnow(), {}
        for code in registered_codes(region_codes):
            sources = self.repo.sources(code)
            marks[code] = {"open": self.repo.open_count(sources, now), "sources": sources,
                           "newest": [v["_id"] for v in self.repo.newest_vacancies(sources, now, limit)]}
        return {"regions": marks}

    @rpc
    def subscriptions(self, region_code):
        get_region(region_code)
        return {"region": region_code, "sources": self.repo.sources(region_code)}

    @rpc
    def set_subscriptions(self, region_code, sources, *, caller):
        get_region(region_code)
        authorize_caller("set_subscriptions", caller, {"region": region_code})
        sources = checked(commands.SET_SOURCES, {"sources": sources})["sources"]
        for code in sources:
            get_region(code)
        return {"region": region_code, "sources": self.repo.set_sources(region_code, sources, utcnow())}
