"""Reference prices (HET, HAP): the instrument that set them, which one is in force
for a region and day, what a price says about it, how the API shows it."""
from dataclasses import dataclass
from typing import Any

from services.prices.domain.catalogue_model import province_of
from services.prices.domain.price_math import gap_percent

# A HAP published as one figure has no band of its own: it alerts only more
# than this far above it. A HAP range is its own band; an HET is a ceiling.
SINGLE_FIGURE_HAP_TOLERANCE_PERCENT = 10


@dataclass(frozen=True)
class Source:
    """The instrument that set a reference price."""
    id: str
    type: str
    number: str
    title: str
    issued: str | None = None
    note: str | None = None

    @property
    def citation(self) -> str:
        return f"{self.type} Nomor {self.number} tentang {self.title}"


@dataclass(frozen=True)
class Reference:
    """One commodity's reference price under one instrument, where and when it applies.

    `upper` is the HET ceiling, the HAP range's upper bound, or a HAP's single
    figure; `lower` is a HAP range's lower bound. `provinces` (Kemendagri codes)
    and `regions` (regency codes) narrow where it applies; neither = nationwide.
    """
    commodity: str
    kind: str
    upper: int
    effective_from: str
    effective_to: str | None = None
    lower: int | None = None
    provinces: frozenset | None = None
    regions: frozenset | None = None
    zone: str | None = None
    source: Source | None = None

    def in_force(self, day: str) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)

    def specificity(self, region_code: str) -> int | None:
        """How closely this entry names the region: 2 by regency, 1 by province,
        0 nationwide; None when it does not apply there."""
        if self.regions is not None:
            return 2 if region_code in self.regions else None
        if self.provinces is not None:
            return 1 if province_of(region_code) in self.provinces else None
        return 0


def reference_for(references: list["Reference"], commodity: str, region_code: str,
                  day: str) -> "Reference | None":
    """The reference in force for `commodity` in region `region_code` on `day`.

    Of the entries in force that day and applying there, the one that took
    effect last; on the same date the most specific (regency, then province,
    then nationwide) wins.
    """
    best = None
    for ref in references:
        if ref.commodity != commodity or not ref.in_force(day):
            continue
        specificity = ref.specificity(region_code)
        if specificity is None:
            continue
        rank = (ref.effective_from, specificity)
        if best is None or rank > best[0]:
            best = (rank, ref)
    return best[1] if best else None


def source_view(source: Source | None) -> dict[str, Any] | None:
    if source is None:
        return None
    return {"id": source.id, "type": source.type, "number": source.number, "title": source.title,
            "issued": source.issued, "note": source.note, "citation": source.citation}


def reference_view(reference: Reference | None, price: int | None = None) -> dict[str, Any] | None:
    """A reference as the API shows it; `percent_above` compares `price` with its upper figure."""
    if reference is None:
        return None
    view = {"kind": reference.kind, "price": reference.upper, "lower": reference.lower,
            "effective": reference.effective_from, "effective_to": reference.effective_to,
            "zone": reference.zone, "source": source_view(reference.source)}
    if price is not None:
        view["percent_above"] = gap_percent(price, reference.upper)
        view["rule"] = reference_rule(price, reference)
        view["status"] = reference_status(price, reference)
    return view


# What a price is against its reference, one code per case (the pages word each once):
# an HET is a ceiling (above it at any amount is a breach); a HAP range is a band (outside
# it either way); a single-figure HAP is a reference with SINGLE_FIGURE_HAP_TOLERANCE_PERCENT
# of slack above it, so "slightly above" is named apart from "well above".
STATUSES = ("above_het", "within_het", "above_hap", "below_hap", "within_hap", "near_hap")


def reference_status(price: int, reference: Reference) -> str:
    rule = reference_rule(price, reference)
    if reference.kind == "HET":
        return rule or "within_het"
    if rule == "above_reference":
        return "above_hap"
    if rule == "below_reference":
        return "below_hap"
    return "near_hap" if price > reference.upper else "within_hap"


def reference_rule(price: int, reference: Reference | None) -> str | None:
    """What `price` says about its reference: an HET breach at any amount; a HAP
    range above its upper or below its lower bound; a single-figure HAP more than
    SINGLE_FIGURE_HAP_TOLERANCE_PERCENT above it. None when it is within."""
    if reference is None:
        return None
    if reference.kind == "HET":
        return "above_het" if price > reference.upper else None
    if reference.lower is None:
        ceiling = reference.upper * (100 + SINGLE_FIGURE_HAP_TOLERANCE_PERCENT)
        return "above_reference" if price * 100 > ceiling else None
    if price > reference.upper:
        return "above_reference"
    if price < reference.lower:
        return "below_reference"
    return None
