"""The live view as a nameko dependency: one read model per process."""
from nameko.extensions import DependencyProvider

from services.gateway.live.model import LiveModel
from services.gateway.live.sections import SECTIONS
from services.gateway.live.store import SharedItems
from services.gateway.web.cache import ResponseCache
from services.servicekit.store import connect


class LiveViews(DependencyProvider):
    """Owns the per-process read model (and the store of its kept section); every
    worker sees the same one. A changed region's view drops its kept HTTP answers."""

    cache = ResponseCache()

    def setup(self):
        config = self.container.config
        self.client = connect(config["MONGO_URI"], config.get("MONGO_TIMEOUT_MS", 1000))
        db = self.client[config.get("MONGO_DB", self.container.service_name)]
        self.model = LiveModel(SECTIONS, kept=SharedItems(db.live_shared))
        self.model.listeners.append(lambda region: self.cache.invalidate(("live", region)))

    def stop(self):
        self.client.close()

    def get_dependency(self, worker_ctx):
        return self.model
