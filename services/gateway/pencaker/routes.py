"""Every pencaker route the gateway serves, as one class for GatewayService."""
from services.gateway.pencaker.ak1_pages import Ak1Pages
from services.gateway.pencaker.api import PencakerApi
from services.gateway.pencaker.console import DisnakerConsole
from services.gateway.pencaker.pages import PencakerPages


class PencakerRoutes(PencakerApi, PencakerPages, Ak1Pages, DisnakerConsole):
    """The JSON API, the loker and AK/1 pages, the Disnaker console."""
