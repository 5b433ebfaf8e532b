"""Every berita route the gateway serves, as one class for GatewayService."""
from services.gateway.news.api import NewsApi
from services.gateway.news.console import NewsConsole
from services.gateway.news.pages import NewsPages


class NewsRoutes(NewsApi, NewsPages, NewsConsole):
    """The JSON API and feeds, the berita pages and the opt-out, the newsroom console."""
