"""A price record's life (new, corrected, unchanged) and the prices authority table, pinned
from an independent spec: every expected outcome is written out here.
"""
import copy
from datetime import datetime, timedelta, timezone

import pytest

from services.prices.domain import authority, price_records
from services.prices.domain.cells import Row
from services.servicekit.caller import Caller
from services.servicekit.errors import Forbidden, Unauthorized

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=timezone.utc)
EARLIER = NOW - timedelta(hours=5)


def row(price, commodity="beras-medium", market="pasar-anyar", day="2026-11-27"):
    return Row(line=2, market=market, commodity=commodity, date=day, price=price)


def test_a_sheet_splits_into_new_corrected_and_unchanged_by_what_is_stored():
    stored = {"36.71:pasar-anyar:beras-medium:2026-11-27": 13000,
              "36.71:pasar-anyar:cabai-merah:2026-11-27": 45000}
    rows = [row(13000), row(47000, "cabai-merah"), row(15000, "gula-pasir"),
            row(13000, day="2026-11-26")]  # another day of a stored price is new
    new, corrected, unchanged = price_records.plan("36.71", rows, stored)
    names = [[r.commodity for r in part] for part in (new, corrected, unchanged)]
    assert names == [["gula-pasir", "beras-medium"], ["cabai-merah"], ["beras-medium"]]
    assert [r.date for r in new] == ["2026-11-27", "2026-11-26"]


def recorded():
    return {"_id": "36.71:pasar-anyar:beras-medium:2026-11-27", "region": "36.71", "market": "pasar-anyar",
            "commodity": "beras-medium", "date": "2026-11-27", "price": 13000, "unit": "kg",
            "recorded_by": "clerk-1", "recorded_at": EARLIER, "source": "form", "history": [], "version": 1}


def test_a_new_price_is_version_one_with_no_history():
    assert price_records.new_record("36.71", row(13000), "kg", "clerk-1", "form", EARLIER) == recorded()


def test_each_correction_keeps_what_it_replaced_with_its_version_in_order():
    first = recorded()
    kept = copy.deepcopy(first)
    second = price_records.correct(first, 13500, "clerk-2", "csv", NOW)
    assert first == kept  # the record as read is left as it was
    assert second == {**kept, "price": 13500, "recorded_by": "clerk-2", "recorded_at": NOW, "source": "csv",
                      "version": 2, "history": [{"version": 1, "price": 13000, "recorded_by": "clerk-1",
                                                 "recorded_at": EARLIER, "source": "form"}]}
    third = price_records.correct(second, 13000, "clerk-1", "form", NOW + timedelta(hours=1))
    assert third["version"] == 3 and [(h["version"], h["price"]) for h in third["history"]] == [
        (1, 13000), (2, 13500)]


def test_the_same_price_again_is_no_correction():
    assert price_records.correct(recorded(), 13000, "clerk-2", "csv", NOW) is None


WHO = {"clerk": Caller("c1", "price_clerk", "36.71"),
       "clerk_other_region": Caller("c2", "price_clerk", "36.01"),
       "admin": Caller("ani", "region_admin", "36.71"),
       "admin_other_region": Caller("sri", "region_admin", "36.01"),
       "operator": Caller("op", "platform_operator", None),
       "opd_officer": Caller("budi", "opd_officer", "36.71", opd="Disperindag"),
       "editor": Caller("eka", "editor", "36.71"), "citizen": Caller("warga", "citizen", None),
       "service": Caller.service("notifications"), "signed_out": None}
# A region's prices are recorded by its market clerks and admin (and the platform operator);
# a record's correction history (who changed what) is theirs to read too, nobody else's.
OFFICERS = ("ok", "region", "ok", "region", "ok", "role", "role", "role", "role", "sign_in")
ROWS = {"record_prices": OFFICERS, "import_prices": OFFICERS, "read_price_record": OFFICERS,
        "manage_markets": OFFICERS}


def _outcome(action, caller):
    try:
        authority.authorize(action, caller, "36.71")
    except Unauthorized:
        return "sign_in"
    except Forbidden as refused:
        return refused.details["field"]
    return "ok"


@pytest.mark.parametrize("action, who, expected", [
    (action, who, outcome) for action, row_ in ROWS.items() for who, outcome in zip(WHO, row_, strict=True)])
def test_each_prices_action_is_allowed_or_refused_by_name_per_role_and_scope(action, who, expected):
    assert set(authority.AUTHORITY) == set(ROWS)
    assert _outcome(action, WHO[who]) == expected
