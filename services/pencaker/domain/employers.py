"""Employers: the profile an employer registers (commands.CREATE_EMPLOYER), and its
summary for Disnaker."""
from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

from services.pencaker import commands
from services.pencaker.domain.checks import Problems, checked, contact, plain, refuse
from services.servicekit.decision import Decision
from services.servicekit.regions import Region


def validate(body: Any) -> dict[str, Any]:
    data = cast(commands.CreateEmployer, checked(commands.CREATE_EMPLOYER, body))
    found: Problems = {}
    fields = {"name": plain(data["name"]), "sector": plain(data.get("sector")),
              "address": plain(data.get("address")), "url": data.get("url"),
              "contact": contact(dict(data["contact"]), found)}
    refuse(found)
    return fields


def create(data: Any, region: Region, owner: str, now: datetime, sequence: Callable[[str], int]) -> Decision:
    """An employer of `region`, owned by the subject that registered it."""
    fields = validate(data)
    number = sequence(f"employers:{region.code}")
    return Decision({"_id": f"EMP-{region.code.replace('.', '')}-{number:06d}", "region": region.code,
                     **fields, "owner": owner, "created_at": now})


def summary(employer: dict[str, Any], vacancies: list[dict[str, Any]]) -> dict[str, Any]:
    """An employer for Disnaker: its profile and its vacancies counted by status."""
    counts: dict[str, int] = {}
    for vacancy in vacancies:
        counts[vacancy["status"]] = counts.get(vacancy["status"], 0) + 1
    return {**{k: employer.get(k) for k in ("_id", "region", "name", "sector", "address", "url", "contact",
                                            "created_at")},
            "vacancies": counts}
