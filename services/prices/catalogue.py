"""The catalogue as data: commodities, markets and reference prices from YAML files."""
from functools import lru_cache
from pathlib import Path

import yaml

from services.prices.domain import Catalogue, Commodity, Market, Reference

DATA_DIR = Path(__file__).parent


def _read(name):
    return yaml.safe_load((DATA_DIR / name).read_text())


@lru_cache(maxsize=1)
def load_catalogue():
    commodities = {}
    for entry in _read("commodities.yaml")["commodities"]:
        commodities[entry["code"]] = Commodity(
            entry["code"], entry["name"], entry["unit"], tuple(entry["plausible"]),
            tuple(entry.get("aliases") or ()))
    markets = {region: {m["code"]: Market(m["code"], m["name"], m["type"], m["lat"], m["long"])
                        for m in entries}
               for region, entries in _read("markets.yaml")["markets"].items()}
    data = _read("reference_prices.yaml")
    references = [Reference(r["commodity"], r["kind"], r["price"], str(r["effective"]),
                            str(r["zone"]) if r.get("zone") is not None else None)
                  for r in data["references"]]
    unknown = {r.commodity for r in references} - set(commodities)
    if unknown:
        raise ValueError(f"reference_prices.yaml names unknown commodities: {sorted(unknown)}")
    zones = {province: str(zone) for zone, provinces in data["zones"].items() for province in provinces}
    return Catalogue(commodities, markets, references, zones)
