"""Every regions and platform route the gateway serves, as one class for GatewayService."""
from services.gateway.regions.admin_api import RegionsAdminApi
from services.gateway.regions.api import RegionsApi
from services.gateway.regions.console_platform import PlatformConsole
from services.gateway.regions.console_profile import RegionProfileConsole
from services.gateway.regions.console_wilayah import RegionAdminConsole
from services.gateway.regions.pages import RegionPages
from services.gateway.regions.platform_api import PlatformApi


class RegionsRoutes(RegionsApi, RegionPages, RegionsAdminApi, PlatformApi, RegionAdminConsole,
                    PlatformConsole, RegionProfileConsole):
    """The regions API and chooser, the platform API (tokens, accounts, OpenAPI, partners),
    the wilayah and platform consoles."""
