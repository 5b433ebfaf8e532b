"""The catalogue's commodities and markets, found by name (services/prices/catalogue.py
loads them from YAML)."""
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Commodity:
    code: str
    name: str
    unit: str
    plausible: tuple
    aliases: tuple = ()


@dataclass(frozen=True)
class Market:
    code: str
    name: str
    type: str
    lat: float
    long: float


def province_of(region_code: str) -> str:
    """'36.71' -> '36': a region's province by its Kemendagri code, never by name."""
    return str(region_code).split(".")[0]


def name_key(text: str) -> str:
    """How names are matched: case, repeated spaces and stray edges ignored."""
    return " ".join(text.lower().split())


@dataclass
class Catalogue:
    """Commodities, markets per region, reference prices and zones."""
    commodities: dict
    markets: dict  # region code -> {market code: Market}
    references: list
    zones: dict  # province code -> HET beras zone
    _names: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for commodity in self.commodities.values():
            for spelling in (commodity.code, commodity.name, *commodity.aliases):
                self._names[name_key(spelling)] = commodity

    def commodity(self, text: str) -> Commodity | None:
        return self._names.get(name_key(text))

    def market(self, region_code: str, text: str) -> Market | None:
        markets = self.markets.get(region_code, {})
        key = name_key(text)
        return markets.get(key) or next((m for m in markets.values() if name_key(m.name) == key), None)

    def zone(self, region_code: str) -> str | None:
        """The HET beras zone of a region, from its province code."""
        return self.zones.get(province_of(region_code))
