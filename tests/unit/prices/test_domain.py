"""Price math, reference prices, alert rules and every messy case of sheet rows."""
from datetime import datetime, timezone

import pytest

from services.prices.catalogue import load_catalogue
from services.prices.domain import (
    alerts,
    boards,
    cells,
    entry_form,
    price_math,
    price_records,
    references,
    sheets,
)
from services.servicekit.errors import ValidationFailed

TODAY = "2026-11-27"


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


# --- change and median math -------------------------------------------------

@pytest.mark.parametrize("price, previous, gap, percent, direction", [
    (16000, 15500, 500, 3.23, "up"),
    (13250, 13250, 0, 0.0, "no_change"),
    (14717, 14733, -16, -0.11, "down"),
    (64167, 57500, 6667, 11.59, "up"),
    (3, 8, -5, -62.5, "down"),
    (1005, 1000, 5, 0.5, "up"),
    (10001, 8000, 2001, 25.01, "up"),     # 25.0125 -> 25.01
    (1000, 800, 200, 25.0, "up"),
    (1, 3, -2, -66.67, "down"),           # halves and beyond round away from zero
])
def test_change(price, previous, gap, percent, direction):
    assert price_math.change(price, previous) == {"previous_price": previous, "previous_date": None,
                                                  "gap": gap, "gap_percent": percent,
                                                  "direction": direction}


def test_change_without_previous_report():
    assert price_math.change(16000, None) == {"previous_price": None, "previous_date": None,
                                              "gap": None, "gap_percent": None, "direction": None}
    assert price_math.gap_percent(100, 0) is None


def test_gap_percent_rounds_half_up_not_to_even():
    # 1.125 -> 1.13 (float rounding would give 1.12)
    assert price_math.gap_percent(80090, 79200) == 1.12
    assert price_math.gap_percent(10225, 10000) == 2.25
    assert price_math.gap_percent(101125, 100000) == 1.13


def test_median_across_markets():
    assert price_math.to_rupiah(12500.5) == 12501
    # even count: the mean of the middle two, in whole rupiah rounded half up
    assert price_math.median_series([("a", "d1", 100), ("a", "d1", 101), ("a", "d2", 7), ("b", "d1", 1)]) == {
        "a": {"d1": 101, "d2": 7}, "b": {"d1": 1}}
    assert price_math.median_series([("a", "d", 300), ("a", "d", 100), ("a", "d", 200)]) == {"a": {"d": 200}}


def test_previous_report_is_the_latest_earlier_date_within_the_lookback():
    series = {"2026-11-20": 100, "2026-11-25": 110, "2026-11-27": 121}
    assert price_math.previous_point(series, "2026-11-27") == ("2026-11-25", 110)
    assert price_math.previous_point(series, "2026-11-20") == (None, None)
    assert price_math.previous_point({"2026-09-01": 1}, "2026-11-27") == (None, None)
    points = price_math.with_changes(series, start="2026-11-25")
    assert [(p["date"], p["previous_date"], p["gap"], p["gap_percent"]) for p in points] == [
        ("2026-11-25", "2026-11-20", 10, 10.0), ("2026-11-27", "2026-11-25", 11, 10.0)]
    stale = price_math.with_changes({"2026-01-01": 100, "2026-11-27": 200})
    assert stale[1]["gap"] is None


def test_region_board_is_the_median_across_markets_against_the_previous_report(catalogue):
    points = [
        {"commodity": "beras-medium", "date": "2026-11-26", "price": 13000},
        {"commodity": "beras-medium", "date": "2026-11-26", "price": 13400},
        {"commodity": "beras-medium", "date": "2026-11-27", "price": 13000},
        {"commodity": "beras-medium", "date": "2026-11-27", "price": 14000},
        {"commodity": "beras-medium", "date": "2026-11-27", "price": 15000},
        {"commodity": "telur-ayam-ras", "date": "2026-11-25", "price": 29000},
    ]
    board = boards.board_of(points, "2026-11-27", catalogue, "36.71")
    item = board[0]
    assert (item["price"], item["previous_price"], item["gap"], item["gap_percent"], item["direction"],
            item["markets"]) == (14000, 13200, 800, 6.06, "up", 3)
    assert (item["low"], item["high"], item["previous_date"]) == (13000, 15000, "2026-11-26")
    reference = item["reference"]
    assert (reference["kind"], reference["price"], reference["lower"], reference["effective"],
            reference["zone"], reference["percent_above"]) == ("HET", 13500, None, "2025-08-22", "1", 3.7)
    assert reference["source"]["citation"] == ("Keputusan Kepala Badan Pangan Nasional Nomor 299 Tahun "
                                               "2025 tentang Penetapan Harga Eceran Tertinggi Beras")
    assert boards.compact(board)[0] == {"commodity": "beras-medium", "name": item["name"],
                                        "unit": item["unit"], "date": "2026-11-27", "price": 14000,
                                        "gap": 800, "gap_percent": 6.06, "direction": "up"}


def test_a_board_lists_every_commodity_at_its_latest_date_in_the_window(catalogue):
    day, yesterday = "2026-11-27", "2026-11-26"
    points = [
        {"commodity": "beras-medium", "date": day, "price": 13500},  # one market reported today
        {"commodity": "telur-ayam-ras", "date": "2026-11-20", "price": 28000},
        {"commodity": "telur-ayam-ras", "date": yesterday, "price": 29000},  # two markets yesterday
        {"commodity": "telur-ayam-ras", "date": yesterday, "price": 30000},
        {"commodity": "gula-pasir", "date": "2026-10-26", "price": 17000},  # 32 days old: outside
    ]
    board = boards.board_of(points, day, catalogue, "36.71")
    assert [(i["commodity"], i["date"], i["price"]) for i in board] == [
        ("beras-medium", day, 13500), ("telur-ayam-ras", yesterday, 29500)]
    eggs = board[1]
    # the egg figure is yesterday's: its markets, range, change and reference are that date's
    assert (eggs["markets"], eggs["low"], eggs["high"]) == (2, 29000, 30000)
    assert (eggs["previous_date"], eggs["previous_price"], eggs["gap"], eggs["direction"]) == (
        "2026-11-20", 28000, 1500, "up")
    assert (eggs["reference"]["kind"], eggs["reference"]["price"]) == ("HAP", 30000)
    assert [i["date"] for i in boards.compact(board)] == [day, yesterday]
    # what the live view checks is the same prices, commodity by commodity
    assert boards.latest_prices(points, day) == {i["commodity"]: i["price"] for i in board}
    # a board of an earlier day reads nothing after it
    assert [(i["commodity"], i["date"]) for i in boards.board_of(points, yesterday, catalogue, "36.71")] == [
        ("gula-pasir", "2026-10-26"), ("telur-ayam-ras", yesterday)]


def test_trends_are_daily_medians_from_the_start_with_the_reference_in_force(catalogue):
    points = [{"commodity": "beras-medium", "date": d, "price": p} for d, p in (
        ("2026-11-20", 12000), ("2026-11-25", 13000), ("2026-11-25", 13400), ("2026-11-27", 14000))]
    trends = boards.trends(points, "2026-11-21", "2026-11-27", catalogue, "36.71")
    assert trends["beras-medium"]["points"] == [["2026-11-25", 13200], ["2026-11-27", 14000]]
    assert trends["beras-medium"]["reference"]["kind"] == "HET"
    assert trends["beras-medium"]["reference"]["price"] == 13500


# --- reference prices -------------------------------------------------------

def ref(commodity, kind, upper, start, end=None, lower=None, provinces=None, regions=None):
    return references.Reference(commodity, kind, upper, start, end, lower,
                                provinces and frozenset(provinces), regions and frozenset(regions))


REFERENCES = [
    ref("beras-medium", "HET", 12500, "2024-06-01", provinces={"36", "73"}),
    ref("beras-medium", "HET", 13100, "2024-06-01", provinces={"21"}),
    ref("beras-medium", "HET", 13500, "2025-08-22", provinces={"36", "73"}),
    ref("gula-pasir", "HAP", 17500, "2024-04-05"),
    ref("gula-pasir", "HAP", 18500, "2024-04-05", provinces={"91"}),
    ref("gula-pasir", "HAP", 18500, "2024-04-05", regions={"36.02"}),
    ref("telur-ayam-ras", "HAP", 27000, "2022-10-05", "2024-04-24"),
]


@pytest.mark.parametrize("commodity, region, day, expected", [
    ("beras-medium", "36.71", "2025-08-21", 12500),    # day before the revision
    ("beras-medium", "36.71", "2025-08-22", 13500),    # takes effect that day
    ("beras-medium", "21.71", "2025-12-01", 13100),    # province 21 not revised
    ("beras-medium", "91.01", "2025-12-01", None),     # no entry for province 91, none nationwide
    ("beras-medium", "36.71", "2024-05-31", None),     # before any took effect
    ("gula-pasir", "36.71", "2025-01-01", 17500),      # nationwide entry
    ("gula-pasir", "91.01", "2025-01-01", 18500),      # the province's own entry wins on the same date
    ("gula-pasir", "36.02", "2025-01-01", 18500),      # a regency's own entry (a 3TP list) wins too
    ("telur-ayam-ras", "36.71", "2024-04-24", 27000),  # last day in force
    ("telur-ayam-ras", "36.71", "2024-04-25", None),   # ended, nothing after it here
    ("cabai-rawit-merah", "36.71", "2025-01-01", None),
])
def test_reference_lookup_by_date_and_place(commodity, region, day, expected):
    found = references.reference_for(REFERENCES, commodity, region, day)
    assert (found.upper if found else None) == expected


def test_zones_come_from_the_province_code_not_its_name(catalogue):
    assert catalogue.zone("36.71") == "1"
    assert catalogue.zone("21.71") == "2"
    assert catalogue.zone("91.01") == "3"
    # a region onboarded with another spelling of its province still gets its HET
    kep_riau = references.reference_for(catalogue.references, "beras-medium", "21.72", "2025-09-01")
    assert (kep_riau.upper, kep_riau.zone) == (14000, "2")


# --- alert rules --------------------------------------------------------------

HET = ref("beras-medium", "HET", 13500, "2025-08-22")
HAP_RANGE = ref("bawang-merah", "HAP", 41500, "2023-07-24", lower=36500)
HAP_FIGURE = ref("telur-ayam-ras", "HAP", 30000, "2024-04-25")


@pytest.mark.parametrize("price, previous, reference, rules", [
    (13500, 13500, HET, []),                                  # at the ceiling: allowed
    (13501, 13501, HET, ["above_het"]),                       # HET + Rp1 is a breach
    (14851, 14851, HET, ["above_het"]),
    (41500, None, HAP_RANGE, []),                             # a range's bounds are inside it
    (36500, None, HAP_RANGE, []),
    (41501, None, HAP_RANGE, ["above_reference"]),            # above the upper bound
    (36499, None, HAP_RANGE, ["below_reference"]),            # below the lower bound
    (33000, 33000, HAP_FIGURE, []),                           # a single figure: 10% band above it
    (33001, 33001, HAP_FIGURE, ["above_reference"]),
    (20000, 20000, HAP_FIGURE, []),                           # and no lower bound
    (13000, 10000, HET, ["daily_rise"]),                      # +30% > 20%
    (12000, 10000, HET, []),                                  # +20% is not above 20%
    (16000, 12000, HET, ["above_het", "daily_rise"]),
    (16000, None, None, []),
    (9000, 10000, HET, []),
])
def test_alert_rules(price, previous, reference, rules):
    assert alerts.alert_rules(price, previous, reference, rise_threshold=20) == rules


def test_rise_threshold_is_configurable():
    assert alerts.alert_rules(11000, 10000, None, rise_threshold=5) == ["daily_rise"]


def test_alerts_use_the_previous_report_from_the_store_or_the_sheet(catalogue):
    rows = [cells.Row(2, "pasar-anyar", "cabai-rawit-merah", "2026-11-27", 50000)]
    known = {("pasar-anyar", "cabai-rawit-merah"): {"2026-11-26": 40000, "2026-11-27": 50000}}
    [(row, rules, previous, reference)] = alerts.row_alerts(rows, known, catalogue, "36.71", 20)
    assert (rules, previous, reference.upper) == (["daily_rise"], 40000, 57000)


# --- sheet rows ---------------------------------------------------------------

@pytest.mark.parametrize("text, unit", [
    ("Rp./Kg", "kg"), ("Rp/kg", "kg"), (" Rp / KG ", "kg"), ("rp/kg\r", "kg"), ("kg", "kg"),
    ("Rp./Liter", "liter"), ("Rp/Liter", "liter"), ("Rp/ltr", "liter"), ("Rp/lt", "liter"),
    ("Rp/ikat", None), ("", None),
])
def test_unit_spellings(text, unit):
    assert cells.parse_unit(text) == unit


@pytest.mark.parametrize("text, price", [
    ("16000", 16000), (" 16000\r", 16000), ("16.000", 16000), ("16,000", 16000),
    ("1.250.000", 1250000), ("Rp 16.000", 16000), ("Rp. 16.000", 16000), ("16000.50", 16001),
    ("16000,4", 16000), ("0", None), ("", None), ("  ", None), ("-", None), ("0.00", None),
])
def test_price_cells(text, price):
    assert cells.parse_price(text) == price


@pytest.mark.parametrize("text", ["-500", "abc", "16.000,50", "16 000 x", "1e5"])
def test_bad_price_cells_are_rejected(text):
    with pytest.raises(cells.RowRejected) as caught:
        cells.parse_price(text)
    assert caught.value.field == "price"


@pytest.mark.parametrize("text, day", [
    ("2025-09-13", "2025-09-13"), ("12-9-2025", "2025-09-12"), ("13-09-2025", "2025-09-13"),
    ("13/09/2025", "2025-09-13"), (" 2025-09-13 \r", "2025-09-13"), ("2025-09-13T07:00:00", "2025-09-13"),
])
def test_date_cells(text, day):
    assert cells.parse_date(text) == day


@pytest.mark.parametrize("text", ["31-02-2025", "yesterday", "2025/13/01", ""])
def test_bad_dates_are_rejected(text):
    with pytest.raises(cells.RowRejected):
        cells.parse_date(text)


HEADER = "Tanggal,Pasar,Komoditas,Satuan,Harga\n"


def parse(catalogue, body, header=HEADER, default_market=None):
    return sheets.parse_sheet(header + body, "36.71", catalogue, TODAY, default_market)


def test_messy_sheet_rows(catalogue):
    body = (
        "2026-11-27,Pasar Anyar,Beras Medium,Rp./Kg,13.250\r\n"          # 2 ok, thousands dot
        "2026-11-27, pasar anyar ,  beras   medium ,Rp/kg,13250\n"       # 3 duplicate of 2
        "2026-11-27,pasar-anyar,Beras Medium,Rp/kg,13500\n"              # 4 conflicts with 2
        "2026-11-27,Pasar Anyar,Telur Ayam Ras,Rp/kg,0\n"               # 5 missing
        "2026-11-27,Pasar Anyar,Minyakita,Rp/Liter,\n"                   # 6 missing (empty)
        "2026-11-27,Pasar Anyar,Bawang Merah,Rp/kg,-500\n"               # 7 negative
        "2026-11-27,Pasar Anyar,Beras Premium,Rp/kg,5\n"                 # 8 absurdly low
        "2026-11-27,Pasar Anyar,Beras Premium,Rp/kg,5000000\n"           # 9 absurdly high
        "2026-11-27,Pasar Anyar,Durian Montong,Rp/kg,50000\n"            # 10 unknown commodity
        "2026-11-27,Pasar Senen,Gula Pasir,Rp/kg,17500\n"                # 11 unknown market
        "2026-11-28,Pasar Anyar,Gula Pasir,Rp/kg,17500\n"                # 12 future
        "2026-11-27,Pasar Anyar,Minyak Goreng Curah,Rp/kg,20000\n"       # 13 wrong unit
        "2026-11-27,Pasar Anyar,Gula Konsumsi,Rp/kg,\"17,750\"\r\n"      # 14 ok, thousands comma
        "\n"                                                            # blank line skipped
        "2026-11-26,Pasar Malabar,Cabai Rawit Merah,Rp./Kg,Rp 45.000\n"  # 16 ok
        "2026-11-26,Pasar Malabar,Cabai Rawit Merah\n"                   # 17 short row: no price
    )
    sheet = parse(catalogue, body)
    assert [(r.line, r.market, r.commodity, r.date, r.price) for r in sheet.rows] == [
        (2, "pasar-anyar", "beras-medium", "2026-11-27", 13250),
        (14, "pasar-anyar", "gula-pasir", "2026-11-27", 17750),
        (16, "pasar-malabar", "cabai-rawit-merah", "2026-11-26", 45000),
    ]
    assert sheet.duplicates == [{"line": 3, "duplicate_of": 2}]
    assert [m["line"] for m in sheet.missing] == [5, 6, 17]
    reasons = {r["line"]: (r["field"], r["reason"]) for r in sheet.rejected}
    assert set(reasons) == {4, 7, 8, 9, 10, 11, 12, 13}
    assert reasons[4][0] == "price" and "line 2" in reasons[4][1]
    assert reasons[7] == ("price", "'-500' is negative")
    assert reasons[8][0] == "price" and "not plausible" in reasons[8][1]
    assert reasons[9][0] == "price" and "Rp 5,000,000" in reasons[9][1]
    assert reasons[10] == ("commodity", "'Durian Montong' is not in the catalogue")
    assert reasons[11][0] == "market" and "Pasar Senen" in reasons[11][1]
    assert reasons[12] == ("date", "2026-11-28 is in the future (today is 2026-11-27)")
    assert reasons[13][0] == "unit" and "liter" in reasons[13][1]


def test_short_row_without_price_is_missing_not_rejected(catalogue):
    sheet = parse(catalogue, "2026-11-26,Pasar Malabar,Cabai Rawit Merah,Rp/kg\n")
    assert len(sheet.missing) == 1 and not sheet.rejected


def test_default_market_and_extra_columns(catalogue):
    header = "\ufeffTimestamp,ID,Komoditas,Satuan,Harga,Harga Kemarin,Gap\n"
    sheet = parse(catalogue, "2026-11-27,27,Beras Premium,Rp./Kg,16000,15500,500\n", header,
                  default_market="pasar-anyar")
    assert [(r.market, r.commodity, r.price) for r in sheet.rows] == [("pasar-anyar", "beras-premium", 16000)]
    without = parse(catalogue, "2026-11-27,27,Beras Premium,Rp./Kg,16000,15500,500\n", header)
    assert without.rejected[0]["field"] == "market"


def test_sheet_without_the_needed_columns_names_them(catalogue):
    with pytest.raises(ValidationFailed) as caught:
        sheets.parse_sheet("Pasar,Harga\nPasar Anyar,1000\n", "36.71", catalogue, TODAY)
    assert caught.value.details["field"] == "header" and "date, commodity" in caught.value.message
    with pytest.raises(ValidationFailed):
        sheets.parse_sheet("  \n", "36.71", catalogue, TODAY)


def test_officer_form_entries(catalogue):
    rows = entry_form.validate_entries([{"commodity": "beras-medium", "price": 13250},
                                        {"commodity": "Minyakita", "price": 15700, "unit": "Rp/liter"}],
                                       "pasar-anyar", "2026-11-27", "36.71", catalogue, TODAY)
    assert [(r.commodity, r.price) for r in rows] == [("beras-medium", 13250), ("minyakita", 15700)]
    cases = [
        ([{"commodity": "beras-medium", "price": 0}], "prices[0].price"),
        ([{"commodity": "beras-medium", "price": "13000"}], "prices[0].price"),
        ([{"commodity": "beras-medium", "price": 13000}, {"commodity": "beras-medium", "price": 13100}],
         "prices[1].commodity"),
        ([{"commodity": "meteor", "price": 13000}], "prices[0].commodity"),
        ([{"commodity": "minyakita", "price": 15700, "unit": "kg"}], "prices[0].unit"),
        ([], "prices"),
    ]
    for entries, field in cases:
        with pytest.raises(ValidationFailed) as caught:
            entry_form.validate_entries(entries, "pasar-anyar", "2026-11-27", "36.71", catalogue, TODAY)
        assert caught.value.details["field"] == field
    with pytest.raises(ValidationFailed) as caught:
        entry_form.validate_entries([{"commodity": "beras-medium", "price": 13000}], "pasar-anyar",
                                    "2026-12-01", "36.71", catalogue, TODAY)
    assert caught.value.details["field"] == "date"


def test_plan_and_correction_keep_history():
    rows = [cells.Row(2, "m", "c", "2026-11-27", 100), cells.Row(3, "m", "c", "2026-11-26", 90),
            cells.Row(4, "m", "d", "2026-11-27", 50)]
    stored = {"36.71:m:c:2026-11-27": 95, "36.71:m:d:2026-11-27": 50}
    new, corrections, unchanged = price_records.plan("36.71", rows, stored)
    assert ([r.line for r in new], [r.line for r in corrections], [r.line for r in unchanged]) == (
        [3], [2], [4])
    t1 = datetime(2026, 11, 27, 1, tzinfo=timezone.utc)
    # what an older correction left: the embedded store kept its `$set` datetime as text
    doc = {"_id": "36.71:m:c:2026-11-27", "price": 95, "recorded_by": "a", "recorded_at": t1,
           "source": "s1", "version": 2,
           "history": [{"version": 1, "price": 90, "recorded_by": "z",
                        "recorded_at": "2026-11-27 00:30:00", "source": "s0"}]}
    t2 = datetime(2026, 11, 27, 2, tzinfo=timezone.utc)
    record = price_records.correct(doc, 100, "b", "s2", t2)
    assert (record["_id"], record["price"], record["recorded_at"], record["version"]) == (
        doc["_id"], 100, t2, 3)
    assert record["history"] == [
        {"version": 1, "price": 90, "recorded_by": "z", "source": "s0",
         "recorded_at": datetime(2026, 11, 27, 0, 30, tzinfo=timezone.utc)},
        {"version": 2, "price": 95, "recorded_by": "a", "source": "s1", "recorded_at": t1}]
    assert price_records.correct(doc, 95, "b", "s2", t2) is None  # already so: nothing to record


def test_catalogue_covers_pihps_and_every_commodity_of_the_bandung_sample(catalogue):
    for name in ("beras bawah", "beras medium", "beras super", "daging ayam ras", "daging sapi",
                 "telur ayam ras", "bawang merah", "bawang putih", "cabai merah besar",
                 "cabai merah keriting", "cabai rawit hijau", "cabai rawit merah",
                 "minyak goreng curah", "minyak goreng kemasan", "gula pasir"):
        assert catalogue.commodity(name) is not None, name
    assert catalogue.commodities["minyak-goreng-curah"].unit == "liter"
    assert {m.type for r in catalogue.markets.values() for m in r.values()} <= {
        "traditional", "modern", "city_average"}


def test_working_days_without_data_skip_weekends_and_holidays_and_today():
    # 17 Aug 2026, a Monday, is Hari Kemerdekaan
    assert price_math.working_days_without_data("2026-08-13", "2026-08-14") == 0  # Thu, Fri
    assert price_math.working_days_without_data("2026-08-13", "2026-08-18") == 1  # Fri only
    assert price_math.working_days_without_data("2026-08-13", "2026-08-19") == 2  # Fri, Tue
