"""Every LAKSA route the gateway serves, as one class for GatewayService."""
from services.gateway.laksa.api import AspirasiApi
from services.gateway.laksa.console import LaksaConsole
from services.gateway.laksa.kinerja import KinerjaConsole
from services.gateway.laksa.pages import LaksaPages


class LaksaRoutes(AspirasiApi, LaksaPages, LaksaConsole, KinerjaConsole):
    """The JSON API with Open311, the lapor/lacak pages and photos, the queue and kinerja consoles."""
