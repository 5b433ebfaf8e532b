"""Every harga route the gateway serves, as one class for GatewayService."""
from services.gateway.prices.api import PricesApi
from services.gateway.prices.console import PricesConsole
from services.gateway.prices.markets import PricesMarkets
from services.gateway.prices.pages import PricesPages


class PricesRoutes(PricesApi, PricesPages, PricesConsole, PricesMarkets):
    """The JSON API, the harga pages and charts, the prices console, the region's markets."""
