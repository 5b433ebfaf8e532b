"""The live view's prices section applies events without asking the service."""
from services.gateway.prices.live import PricesSection
from services.servicekit.envelope import contract, new_event

SECTION = PricesSection()
DATA = {"date": "2026-11-26", "board": [], "alerts": [
    {"commodity": "minyakita", "market": "pasar-anyar", "date": "2026-11-26", "price": 18000,
     "rules": ["above_reference"]}]}


def event(event_type, **changes):
    example = contract(event_type)["x-example"]
    return new_event(event_type, "prices", "36.71", {**example["payload"], **changes})


def test_a_newer_board_replaces_the_old_and_its_alerts():
    recorded = event("prices_recorded")
    data = SECTION.apply(DATA, recorded)
    assert data["date"] == "2026-11-27" and data["alerts"] == []
    # each item named and with its unit as the service published it, so the page can say "Rp 13.250/kg"
    assert data["board"] == recorded["payload"]["board"]["items"]
    assert [(i["name"], i["unit"]) for i in data["board"]] == [("Beras medium", "kg"),
                                                               ("Cabai rawit merah", "kg")]


def test_an_older_board_changes_nothing():
    older = event("prices_recorded", board={"date": "2026-11-01", "items": []})
    assert SECTION.apply(DATA, older) == DATA


def test_alerts_of_the_boards_day_are_added_once():
    data = {**DATA, "date": "2026-11-27", "alerts": []}
    alert = event("price_alert_raised", market="pasar-anyar")
    once = SECTION.apply(data, alert)
    twice = SECTION.apply(once, event("price_alert_raised", market="pasar-anyar", price=81000))
    assert len(once["alerts"]) == 1 and len(twice["alerts"]) == 1 and twice["alerts"][0]["price"] == 81000
    other_day = event("price_alert_raised", date="2026-11-20")
    assert SECTION.apply(data, other_day) == data


def test_the_mark_is_what_the_service_answers_for_the_same_board():
    data = {**DATA, "board": [{"commodity": "beras-medium", "price": 13250, "name": "Beras medium",
                               "unit": "kg"}]}
    assert SECTION.mark(data) == {"date": "2026-11-26", "prices": {"beras-medium": 13250}, "alerts": 1}
