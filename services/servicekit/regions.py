"""The region registry, loaded from `regions.yaml` (or REGIONS_FILE)."""
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from services.servicekit.errors import NotFound, ValidationFailed

DEFAULT_FILE = Path(__file__).parent / "regions.yaml"
CODE_PATTERN = re.compile(r"^[0-9]{2}\.[0-9]{2}$")


@dataclass(frozen=True)
class Region:
    code: str
    name: str
    province: str
    domain: str = ""
    host: bool = False
    edge: bool = False
    timezone: str = "Asia/Jakarta"

    @property
    def nik_prefix(self):
        """The first four NIK digits of residents registered here."""
        return self.code.replace(".", "")

    def to_dict(self):
        return {"code": self.code, "name": self.name, "province": self.province,
                "domain": self.domain, "host": self.host, "edge": self.edge,
                "timezone": self.timezone}


@lru_cache(maxsize=1)
def load_regions(path=None):
    path = Path(path or os.environ.get("REGIONS_FILE") or DEFAULT_FILE)
    entries = yaml.safe_load(path.read_text())["regions"]
    return {entry["code"]: Region(**entry) for entry in entries}


def all_regions():
    return list(load_regions().values())


def get_region(code):
    if not isinstance(code, str) or not CODE_PATTERN.match(code):
        raise ValidationFailed.field(
            "region", f"{code!r} is not a Kemendagri code; use the form 36.71")
    try:
        return load_regions()[code]
    except KeyError:
        raise NotFound(f"region {code} is not registered", {"field": "region"}) from None
