"""Likely duplicates, rule by rule: open tickets of the same category within 50 m (inclusive)
submitted in the last 30 days (inclusive), nearest first, distances in metres to 0.1 m.
Distances are written out (a degree of the equator is 111 194.9 m on the 6 371 km sphere)."""
from datetime import datetime, timedelta, timezone

import pytest

from services.aspirasi.domain.duplicates import distance_m, likely_duplicates

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=timezone.utc)
HERE = {"lat": 0.0, "long": 0.0}
FIFTY_M_NORTH = {"lat": 0.0004496608029593653, "long": 0.0}  # 50.0 m exactly, as floats go


@pytest.mark.parametrize(("a", "b", "metres"), [
    ({"lat": 0, "long": 0}, {"lat": 0, "long": 1}, 111_194.93),  # along the equator
    ({"lat": 0, "long": 0}, {"lat": 1, "long": 0}, 111_194.93),  # along a meridian
    ({"lat": 60, "long": 0}, {"lat": 60, "long": 1}, 55_596.93),  # cos(60°) of the equator's
    ({"lat": -6.17, "long": 106.63}, {"lat": -6.1702, "long": 106.6303}, 39.93),  # in Tangerang
    ({"lat": -6.17, "long": 106.63}, {"lat": -6.17, "long": 106.63}, 0.0),
])
def test_distances_are_great_circle_metres(a, b, metres):
    assert distance_m(a, b) == pytest.approx(metres, abs=0.01)
    assert distance_m(b, a) == pytest.approx(metres, abs=0.01)


def ticket(number, location=HERE, category="sampah", status="verified", age=timedelta(days=1)):
    return {"_id": number, "category": category, "status": status, "location": location,
            "submitted_at": NOW - age}


def north(metres):
    return {"lat": metres / 111_194.92664455874, "long": 0.0}


def test_open_tickets_of_the_category_close_by_are_listed_nearest_first():
    mine = ticket("T-0")
    others = [ticket("T-far", north(40)), ticket("T-near", north(12.34)), ticket("T-mid", north(25))]
    assert likely_duplicates(mine, others, NOW) == [
        {"number": "T-near", "distance_m": 12.3, "status": "verified"},
        {"number": "T-mid", "distance_m": 25.0, "status": "verified"},
        {"number": "T-far", "distance_m": 40.0, "status": "verified"}]


def test_the_radius_and_the_window_include_their_bounds():
    mine = ticket("T-0")
    edge = [ticket("T-50m", FIFTY_M_NORTH), ticket("T-30d", north(5), age=timedelta(days=30))]
    assert [d["number"] for d in likely_duplicates(mine, edge, NOW)] == ["T-30d", "T-50m"]
    past = [ticket("T-51m", north(50.1)), ticket("T-30d1s", north(5), age=timedelta(days=30, seconds=1))]
    assert likely_duplicates(mine, past, NOW) == []


def test_each_ineligible_candidate_is_passed_over_and_the_rest_still_checked():
    """Each kind of non-duplicate stands before a real one: skipping it must not stop the search."""
    mine = ticket("T-0")
    real = ticket("T-real", north(5), status="in_progress")
    for passed_over in (ticket("T-0", north(1)), ticket("T-x", north(1), category="jalan-rusak"),
                        ticket("T-x", north(1), status="resolved"),
                        ticket("T-x", north(1), status="rejected"),
                        ticket("T-x", north(1), age=timedelta(days=31)),
                        ticket("T-x", {"address": "Jl. Merdeka 1"})):
        assert [d["number"] for d in likely_duplicates(mine, [passed_over, real], NOW)] == ["T-real"]


def test_a_ticket_without_a_point_has_no_likely_duplicates():
    assert likely_duplicates(ticket("T-0", {"address": "Jl. Merdeka 1"}), [ticket("T-1")], NOW) == []
