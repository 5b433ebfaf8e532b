"""A region's report categories: code, name, the OPD that handles them, and their SLA."""
from dataclasses import dataclass, field
from typing import Any

from services.aspirasi.commands import CATEGORY_CODE, CATEGORY_LIMITS, SET_CATEGORY
from services.aspirasi.domain.text import plain_texts
from services.aspirasi.sla import DEFAULT_SLA, Sla
from services.servicekit.validation import check_body

__all__ = ["CATEGORY_CODE", "CATEGORY_LIMITS", "Category", "category_from", "sla_changes"]


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    opd: str
    sla: Sla = field(default=DEFAULT_SLA)

    @classmethod
    def from_document(cls, doc: dict[str, Any]) -> "Category":
        """A stored (or template) category; one without `sla` has the default days."""
        return cls(doc["code"], doc["name"], doc["opd"], Sla.of(doc))

    def view(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "opd": self.opd,
                "sla": {"verify_days": self.sla.verify, "follow_up_days": self.sla.follow_up}}


def category_from(code: Any, name: Any, opd: Any, sla: Any = None) -> Category:
    """The category an admin sets, or one ValidationFailed naming every bad field: a slug
    code, plain-text name and OPD (SET_CATEGORY; no markup, which a schema cannot say), and
    its SLA in working days (`{verify_days, follow_up_days}`, either or both)."""
    command = {k: v.strip() if isinstance(v, str) else v
               for k, v in (("code", code), ("name", name), ("opd", opd))}
    if sla is not None:
        command["sla"] = sla
    check_body(SET_CATEGORY, command, plain_texts(command, ("name", "opd")))
    return Category(command["code"], command["name"], command["opd"], Sla(**sla_changes(sla)))


def sla_changes(sla: dict[str, int] | None) -> dict[str, int]:
    """The stored SLA fields a checked command changes ({"follow_up": 1}); the rest stay."""
    names = {"verify_days": "verify", "follow_up_days": "follow_up"}
    return {names[k]: int(v) for k, v in (sla or {}).items() if k in names}
