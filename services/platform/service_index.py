"""Which services make up the platform, and where their code and config live.

Kept apart from runner.py (beside it) so tools and tests can read it without the
runner's eventlet monkey-patching, which must only happen in a service's own process.
"""
import importlib
from pathlib import Path
from typing import Any

SERVICES = {
    "aspirasi": "services.aspirasi.service:AspirasiService",
    "gateway": "services.gateway.service:GatewayService",
    "prices": "services.prices.service:PricesService",
    "pencaker": "services.pencaker.service:PencakerService",
    "news": "services.news.service:NewsService",
    "notifications": "services.notifications.service:NotificationsService",
}
SERVICES_DIR = Path(__file__).resolve().parent.parent


def service_class(name: str) -> Any:
    module_name, class_name = SERVICES[name].split(":")
    return getattr(importlib.import_module(module_name), class_name)
