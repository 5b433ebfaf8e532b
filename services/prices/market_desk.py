"""Prices' market entrypoints (#28): add, rename, retire and list a region's markets, and
the catalogue with the region's markets as the store holds them (what every recording and
reading command resolves market names against)."""
import dataclasses

from services.prices.catalogue import load_catalogue
from services.prices.days import today_in
from services.prices.domain import authority, markets
from services.prices.repository import PriceRepository
from services.servicekit.caller import Caller
from services.servicekit.entrypoints import rpc
from services.servicekit.envelope import isoformat, utcnow
from services.servicekit.errors import Conflict
from services.servicekit.regions import get_region
from services.servicekit.store import MongoStore


class MarketDesk:
    repo = MongoStore(PriceRepository)

    def _market_docs(self, region_code):
        yaml_markets = load_catalogue().markets.get(region_code, {})
        return self.repo.markets(region_code, lambda: markets.seed_docs(region_code, yaml_markets,
                                                                         isoformat(utcnow())))

    def _catalogue(self, region_code, writing=False):
        """The catalogue with the region's stored markets; for writing, only those not retired
        (a retired market keeps its history and is read as before, but takes no new prices)."""
        docs = [d for d in self._market_docs(region_code) if not (writing and d.get("retired"))]
        catalogue = load_catalogue()
        return dataclasses.replace(catalogue, markets={**catalogue.markets, region_code: {
            d["code"]: markets.as_market(d) for d in docs}})

    @rpc
    def list_markets(self, region_code):
        region = get_region(region_code)
        return {"region": region.code, "items": [markets.view(d) for d in self._market_docs(region.code)]}

    @rpc
    def add_market(self, region_code, body, *, caller):
        region = get_region(region_code)
        actor = authority.authorize("manage_markets", Caller.verify(caller), region.code).subject
        existing = self._market_docs(region.code)
        doc = markets.new_market(region.code, body, existing, isoformat(utcnow()), actor)
        if not self.repo.add_market(doc):
            raise Conflict(f"market {doc['code']} was added at the same moment", {"field": "code"})
        return markets.view(doc)

    @rpc
    def rename_market(self, region_code, code, body, *, caller):
        region = get_region(region_code)
        actor = authority.authorize("manage_markets", Caller.verify(caller), region.code).subject
        docs = self._market_docs(region.code)
        change = markets.renamed(next((d for d in docs if d["code"] == code), None), code, body, docs,
                                 isoformat(utcnow()), actor)
        return markets.view(self.repo.update_market(markets.market_id(region.code, code), change))

    @rpc
    def retire_market(self, region_code, code, body=None, *, caller):
        region = get_region(region_code)
        actor = authority.authorize("manage_markets", Caller.verify(caller), region.code).subject
        doc = next((d for d in self._market_docs(region.code) if d["code"] == code), None)
        change = markets.retirement(doc, code, body, isoformat(utcnow()), actor, today_in(region))
        return markets.view(self.repo.update_market(markets.market_id(region.code, code), change))
