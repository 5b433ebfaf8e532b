"""What the live view (`/api/v1/regions/{code}/live`) carries, section by section, key by
key: the gateway's live model over its real sections, rebuilt from each service's handlers
(in-memory stores, no broker) and then fed each contract's example event, as the gateway's
replica queue feeds it. The expected sets are written out here; a new key in any section
fails until it is added on purpose (and beranda's template asked)."""
import json

from nameko.testing.services import worker_factory

from services.aspirasi.fake_repository import FakeOutbox as TicketOutbox
from services.aspirasi.fake_repository import FakeTicketRepository
from services.aspirasi.service import AspirasiService
from services.gateway.laksa.live import AspirasiSection
from services.gateway.live.model import LiveModel
from services.gateway.live.sections import SECTIONS
from services.gateway.live.shared import SharedSection
from services.gateway.news.live import NewsSection
from services.gateway.pencaker.live import VacanciesSection
from services.gateway.prices.live import PricesSection
from services.news.fake_repository import FakeNewsRepository
from services.news.fake_repository import FakeOutbox as NewsOutbox
from services.news.service import NewsService
from services.pencaker.fake_repository import FakeOutbox as PencakerOutbox
from services.pencaker.fake_repository import FakePencakerRepo
from services.pencaker.service import PencakerService
from services.prices.fake_repository import FakeOutbox as PricesOutbox
from services.prices.fake_repository import FakePriceRepository
from services.prices.service import PricesService
from services.servicekit.envelope import contract, new_event
from services.servicekit.regions import get_region

HOME, PARTNER = "36.71", "36.74"
VIEW = {"region", "generated_at", "sections"}
SHOWN = {"status", "fresh_at", "checked_at"}  # every section, before its own keys
SECTION_KEYS = {
    "aspirasi": SHOWN | {"received", "resolved", "resolved_on_time", "share_resolved_on_time"},
    "vacancies": SHOWN | {"open", "sources", "newest"},
    "news": SHOWN | {"headlines"},
    "prices": SHOWN | {"date", "board", "alerts"},
    "shared": SHOWN | {"items"},
}
HEADLINE = {"id", "title", "slug", "summary", "published_at", "category", "source_region"}
VACANCY = {"id", "title", "employer", "region", "salary", "posted_at", "valid_through"}
SALARY = {"min", "max", "currency", "unit"}
BOARD_ITEM = {"commodity", "name", "unit", "date", "price", "gap", "gap_percent", "direction"}
ALERT = {"commodity", "market", "date", "price", "rules"}
SHARED_ITEM = {"id", "type", "source_region", "source_region_name", "title", "at"}
# the region's public profile (its configuration, no secrets)
REGION = {"code", "name", "province", "domain", "host", "edge", "timezone", "modules", "brand",
          "senders", "working_days", "days_off"}
BRAND = {"name", "short_name", "theme_color", "logo_url"}
SENDERS = {"mail_from", "sms_sender"}


class Direct:
    """A service's handlers as nameko's RPC proxy hands them to `call`."""

    def __init__(self, name, worker):
        self.name, self.worker = name, worker

    def __getattr__(self, method):
        handler = getattr(self.worker, method)

        class Method:
            service_name = self.name

            @staticmethod
            def call_async(*args, **kwargs):
                class Reply:
                    @staticmethod
                    def result():
                        return handler(*args, **kwargs)
                return Reply()
        return Method()


class Services:
    def __init__(self):
        tickets, news, pencaker, prices = (FakeTicketRepository(None), FakeNewsRepository(),
                                           FakePencakerRepo(), FakePriceRepository())
        self.aspirasi = Direct("aspirasi", worker_factory(AspirasiService, repo=tickets,
                                                          outbox=TicketOutbox(tickets)))
        self.news = Direct("news", worker_factory(NewsService, repo=news, outbox=NewsOutbox(news.articles),
                                                  config={}))
        self.pencaker = Direct("pencaker", worker_factory(PencakerService, repo=pencaker,
                                                          outbox=PencakerOutbox(pencaker)))
        self.prices = Direct("prices", worker_factory(PricesService, repo=prices,
                                                      outbox=PricesOutbox(imports=prices.imports), config={}))


def example(event_type, region=HOME, **changes):
    found = contract(event_type)["x-example"]
    return new_event(event_type, found["source"], region, {**found["payload"], **changes})


def built():
    """The model of the home region, built, then fed every followed event's example (and a
    partner's shared alert)."""
    sections = [AspirasiSection(), VacanciesSection(), NewsSection(), PricesSection(),
                SharedSection(sources_of=lambda region, source, event_type: [PARTNER])]
    assert [s.name for s in sections] == [s.name for s in SECTIONS]  # the gateway's own list
    model, services = LiveModel(sections), Services()
    json.loads(model.view(get_region(HOME), services))
    for event_type in sorted({e for s in sections for e in s.events}):
        model.apply(example(event_type))
    board_day = contract("prices_recorded")["x-example"]["payload"]["board"]["date"]
    model.apply(example("price_alert_raised", date=board_day, market="pasar-anyar"))  # of the board's day
    model.apply(example("price_alert_raised", region=PARTNER))
    return json.loads(model.view(get_region(HOME), services))


def test_every_section_of_the_live_view_carries_exactly_the_allowed_keys():
    view = built()
    assert set(view) == VIEW
    assert set(view["region"]) == REGION
    assert set(view["region"]["brand"]) == BRAND and set(view["region"]["senders"]) == SENDERS
    assert set(view["sections"]) == set(SECTION_KEYS)
    for name, keys in SECTION_KEYS.items():
        assert set(view["sections"][name]) == keys, name
    sections = view["sections"]
    assert [set(h) for h in sections["news"]["headlines"]] == [HEADLINE]
    assert [set(v) for v in sections["vacancies"]["newest"]] == [VACANCY]
    assert set(sections["vacancies"]["newest"][0]["salary"]) == SALARY
    assert [set(i) for i in sections["prices"]["board"]] == [BOARD_ITEM] * 2
    assert [set(a) for a in sections["prices"]["alerts"]] == [ALERT]
    assert [set(i) for i in sections["shared"]["items"]] == [SHARED_ITEM]
