"""The live view's sections: one per domain service (each in its domain's package), and
what partner regions share."""
from services.gateway.laksa.live import AspirasiSection
from services.gateway.live.shared import SharedSection
from services.gateway.news.live import NewsSection
from services.gateway.pencaker.live import VacanciesSection
from services.gateway.prices.live import PricesSection

SECTIONS = [AspirasiSection(), VacanciesSection(), NewsSection(), PricesSection(), SharedSection()]
