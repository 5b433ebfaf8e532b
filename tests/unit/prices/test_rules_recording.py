"""The recording commands' rules: a sheet's id is stable (the same sheet sent again, even
after an upgrade, is recognised; any change to it is a new sheet), and a market that is not
the region's is refused naming `market`, with what was sent and the region."""
from datetime import date

import pytest

from services.prices.catalogue import load_catalogue
from services.prices.domain.recording import csv_sheet, market_of, sheet_id
from services.servicekit.errors import ValidationFailed

REGION, NAME, TODAY = "36.71", "Kota Tangerang", "2026-11-27"
CSV = "tanggal,komoditas,harga\n2026-11-26,beras-medium,13000\n"
# Written out: what this release names these sheets (a change here re-applies old sheets).
CSV_ID = "sheet-af64c777fd051a06a129ebb8"
CATALOGUE = load_catalogue()


def refusal(call):
    with pytest.raises(ValidationFailed) as raised:
        call()
    return raised.value.details["fields"]


def test_a_sheet_id_is_stable_and_keyed_by_everything_in_it():
    assert sheet_id("csv", REGION, None, CSV) == CSV_ID
    assert sheet_id({"b": 1, "a": 2}) == sheet_id({"a": 2, "b": 1})  # not by the order of keys
    assert sheet_id("form", date(2026, 11, 26)) == sheet_id("form", "2026-11-26")  # dates as text
    assert len({sheet_id("csv", REGION, None, CSV), sheet_id("form", REGION, None, CSV),
                sheet_id("csv", "36.74", None, CSV), sheet_id("csv", REGION, "pasar-anyar", CSV),
                sheet_id("csv", REGION, None, CSV + "\n")}) == 5


def test_a_csv_sheet_is_named_by_its_kind_region_market_and_text():
    _, import_id = csv_sheet(CSV, None, REGION, NAME, CATALOGUE, TODAY)
    assert import_id == CSV_ID
    _, other = csv_sheet(CSV, "pasar-anyar", REGION, NAME, CATALOGUE, TODAY)
    assert other != CSV_ID


def test_a_csv_sheet_without_a_market_column_takes_the_default_market():
    sheet, _ = csv_sheet(CSV, "pasar-anyar", REGION, NAME, CATALOGUE, TODAY)
    assert [(r.market, r.commodity, r.date, r.price) for r in sheet.rows] == [
        ("pasar-anyar", "beras-medium", "2026-11-26", 13000)]
    assert sheet.rejected == []


def test_an_unknown_default_market_is_refused_before_the_sheet_is_read():
    fields = refusal(lambda: csv_sheet("not a sheet", "pasar-bulan", REGION, NAME, CATALOGUE, TODAY))
    assert set(fields) == {"market"}
    assert fields["market"]["code"] == "unknown_market"
    assert (fields["market"]["market"], fields["market"]["region"]) == ("pasar-bulan", REGION)
    too_long = refusal(lambda: csv_sheet(CSV, "x" * 61, REGION, NAME, CATALOGUE, TODAY))
    assert set(too_long) == {"market"} and too_long["market"]["code"] != "unknown_market"


@pytest.mark.parametrize("text", ["pasar-bulan", 7, None, ["pasar-anyar"]])
def test_a_market_not_of_the_region_is_refused_naming_what_was_sent(text):
    fields = refusal(lambda: market_of(CATALOGUE, REGION, NAME, text))
    problem = fields["market"]
    assert (problem["code"], problem["market"], problem["region"]) == ("unknown_market", str(text), REGION)
    assert problem["message"] == f"{text!r} is not a market of {NAME}"


def test_the_market_sent_is_cut_to_sixty_characters_in_the_refusal():
    problem = refusal(lambda: market_of(CATALOGUE, REGION, NAME, "p" * 80))["market"]
    assert problem["market"] == "p" * 60


def test_a_market_of_another_region_is_not_this_regions():
    assert market_of(CATALOGUE, REGION, NAME, "pasar-anyar").code == "pasar-anyar"
    refusal(lambda: market_of(CATALOGUE, "36.74", "Kota Tangerang Selatan", "pasar-anyar"))
