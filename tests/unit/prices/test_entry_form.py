"""The officers' entry form: every commodity with its previous report and reference, and
which typed prices deserve a second look before saving."""
from services.prices.catalogue import load_catalogue
from services.prices.domain import entry_form
from services.prices.domain.cells import Row
from services.prices.domain.references import Reference

HET = Reference("beras-medium", "HET", 13_500, "2025-08-22")
HAP_RANGE = Reference("bawang-merah", "HAP", 41_500, "2023-07-24", lower=36_500)


def test_doubts_name_a_big_move_and_a_price_far_from_the_reference():
    assert entry_form.doubts(13_000, 12_800, HET) == []
    assert entry_form.doubts(13_000, 10_000, None) == []  # +30% exactly is still believable
    assert entry_form.doubts(17_550, None, HET) == []  # 30% over the HET: an alert, not a typo
    assert entry_form.doubts(17_551, None, HET) == ["lebih dari 30% di atas HET (Rp 13.500)"]
    assert entry_form.doubts(1_300, 13_000, HET) == ["turun 90% dari laporan sebelumnya (Rp 13.000)",
                                                     "lebih dari 30% di bawah HET (Rp 13.500)"]
    assert entry_form.doubts(25_000, 38_000, HAP_RANGE) == [
        "turun 34% dari laporan sebelumnya (Rp 38.000)", "lebih dari 30% di bawah HAP (Rp 36.500)"]


def test_entry_sheet_lists_every_commodity_with_the_report_before_the_day():
    catalogue = load_catalogue()
    series = {"beras-medium": {"2026-11-27": 13_200, "2026-11-30": 13_300, "2026-12-01": 13_400}}
    items = {i["commodity"]: i for i in entry_form.entry_sheet(series, "2026-12-01", catalogue, "36.71")}
    assert set(items) == set(catalogue.commodities)
    rice = items["beras-medium"]
    assert (rice["price"], rice["previous_date"], rice["previous_price"]) == (13_400, "2026-11-30", 13_300)
    assert rice["reference"]["kind"] == "HET" and rice["reference"]["price"] == 13_500  # zone 1 (Banten)
    assert items["ikan-bandeng"]["price"] is None and items["ikan-bandeng"]["previous_price"] is None
    rows = [Row(1, "pasar-anyar", "beras-medium", "2026-12-01", 134_000),
            Row(2, "pasar-anyar", "telur-ayam-ras", "2026-12-01", 29_000)]
    [doubtful] = entry_form.doubtful_rows(rows, series, catalogue, "36.71")
    assert doubtful["commodity"] == "beras-medium" and len(doubtful["reasons"]) == 2
