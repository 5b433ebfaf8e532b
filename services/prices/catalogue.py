"""The catalogue as data: commodities, markets and reference prices from YAML files."""
import re
from functools import lru_cache
from pathlib import Path

import yaml

from services.prices.domain.catalogue_model import Catalogue, Commodity, Market
from services.prices.domain.references import Reference, Source

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
    references = read_references(data, set(commodities))
    zones = {str(province): str(zone) for zone, provinces in data["zones"].items() for province in provinces}
    return Catalogue(commodities, markets, references, zones)


PROVINCE_CODE = re.compile(r"^[0-9]{2}$")
REGION_CODE = re.compile(r"^[0-9]{2}\.[0-9]{2}$")
DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def read_references(data, commodity_codes):
    """Flatten `instruments` into References; a mistake in the file stops the service
    at start with one line naming the instrument and what is wrong."""
    zones = {str(z): frozenset(map(str, codes)) for z, codes in data["zones"].items()}
    areas = {name: frozenset(map(str, codes)) for name, codes in (data.get("areas") or {}).items()}
    for name, codes in {**zones, **areas}.items():
        bad = sorted(c for c in codes if not PROVINCE_CODE.match(c))
        if bad:
            raise ValueError(f"reference_prices.yaml: {name} lists {bad}, not province codes like 36")
    references, seen = [], set()
    for instrument in data["instruments"]:
        where = f"reference_prices.yaml instrument {instrument.get('id')!r}"
        if instrument["id"] in seen:
            raise ValueError(f"{where} appears twice")
        seen.add(instrument["id"])
        if instrument["kind"] not in ("HET", "HAP"):
            raise ValueError(f"{where}: kind must be HET or HAP")
        start, end = str(instrument["effective_from"]), instrument.get("effective_to")
        end = None if end is None else str(end)
        if not DAY.match(start) or (end is not None and (not DAY.match(end) or end < start)):
            raise ValueError(f"{where}: effective_from/effective_to must be YYYY-MM-DD, in order")
        source = Source(instrument["id"], instrument["type"], str(instrument["number"]),
                        instrument["title"], _day(instrument.get("issued")), instrument.get("note"))
        for entry in instrument["prices"]:
            references.append(_reference(entry, instrument["kind"], start, end, source, zones, areas,
                                         commodity_codes, where))
    return references


def _day(value):
    return None if value is None else str(value)


def _reference(entry, kind, start, end, source, zones, areas, commodity_codes, where):
    commodity = entry["commodity"]
    if commodity not in commodity_codes:
        raise ValueError(f"{where}: {commodity!r} is not in commodities.yaml")
    if "price" in entry:
        lower, upper = None, entry["price"]
    elif kind == "HAP":
        lower, upper = entry.get("lower"), entry.get("upper")
    else:
        raise ValueError(f"{where}: an HET entry for {commodity} gives one `price`")
    if not isinstance(upper, int) or (lower is not None and not (isinstance(lower, int) and lower <= upper)):
        raise ValueError(f"{where}: {commodity} needs whole-rupiah price, or lower <= upper")
    zone = entry.get("zone")
    provinces = regions = None
    if zone is not None:
        zone = str(zone)
        if zone not in zones:
            raise ValueError(f"{where}: zone {zone!r} is not defined under zones")
        provinces = zones[zone]
    elif "area" in entry:
        if entry["area"] not in areas:
            raise ValueError(f"{where}: area {entry['area']!r} is not defined under areas")
        provinces = areas[entry["area"]]
    elif "provinces" in entry:
        provinces = frozenset(map(str, entry["provinces"]))
        if not all(PROVINCE_CODE.match(c) for c in provinces):
            raise ValueError(f"{where}: provinces are codes like 36")
    if "regions" in entry:
        regions = frozenset(map(str, entry["regions"]))
        if not all(REGION_CODE.match(c) for c in regions):
            raise ValueError(f"{where}: regions are codes like 36.71")
    return Reference(commodity, kind, upper, start, end, lower, provinces, regions, zone, source)
