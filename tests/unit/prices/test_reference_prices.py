"""Every reference price is pinned to its instrument's published table.

One expectation per instrument in reference_prices.yaml: its number, its
dates and each figure as published (HET zone figures; HAP single figures or
lower-upper ranges). An instrument added to the file without its row here
fails the first test; a figure typed wrong fails its own.
"""
import pytest
import yaml

from services.prices.catalogue import DATA_DIR, load_catalogue
from services.prices.domain import references

BERAS_2023 = {("beras-medium", "1"): 10900, ("beras-medium", "2"): 11500, ("beras-medium", "3"): 11800,
              ("beras-premium", "1"): 13900, ("beras-premium", "2"): 14400, ("beras-premium", "3"): 14800,
              ("beras-sphp", "1"): 10900, ("beras-sphp", "2"): 11500, ("beras-sphp", "3"): 11800}
BERAS_2024 = {("beras-medium", "1"): 12500, ("beras-medium", "2"): 13100, ("beras-medium", "3"): 13500,
              ("beras-premium", "1"): 14900, ("beras-premium", "2"): 15400, ("beras-premium", "3"): 15800,
              ("beras-sphp", "1"): 12500, ("beras-sphp", "2"): 13100, ("beras-sphp", "3"): 13500}
BERAS_2025 = {("beras-medium", "1"): 13500, ("beras-medium", "2"): 14000, ("beras-medium", "3"): 15500,
              ("beras-premium", "1"): 14900, ("beras-premium", "2"): 15400, ("beras-premium", "3"): 15800,
              ("beras-sphp", "1"): 13500, ("beras-sphp", "2"): 14000, ("beras-sphp", "3"): 15500}
HAP_2022 = {("kedelai-impor", None): 12000, ("bawang-merah", None): (36500, 41500),
            ("cabai-rawit-merah", None): (40000, 57000), ("cabai-merah-keriting", None): (37000, 55000),
            ("daging-sapi", None): 140000}
WEST = "barat"

# id -> (kind, type, number, effective_from, effective_to, {(commodity, zone or area): figure})
PUBLISHED = {
    "perbadan-7-2023": ("HET", "Peraturan Badan Pangan Nasional", "7 Tahun 2023", "2023-03-31",
                        "2024-05-31", BERAS_2023),
    "surat-bapanas-160-2024": ("HET", "Surat Kepala Badan Pangan Nasional", "160/TS.02.02/K/5/2024",
                               "2024-06-01", "2024-06-04", BERAS_2024),
    "perbadan-5-2024": ("HET", "Peraturan Badan Pangan Nasional", "5 Tahun 2024", "2024-06-05",
                        "2025-08-21", BERAS_2024),
    "kepbadan-299-2025": ("HET", "Keputusan Kepala Badan Pangan Nasional", "299 Tahun 2025", "2025-08-22",
                          None, BERAS_2025),
    "permendag-18-2024": ("HET", "Peraturan Menteri Perdagangan", "18 Tahun 2024", "2024-08-14", None,
                          {("minyakita", None): 15700}),
    "perbadan-5-2022": ("HAP", "Peraturan Badan Pangan Nasional", "5 Tahun 2022", "2022-10-05", "2024-04-24",
                        {("telur-ayam-ras", None): 27000, ("daging-ayam-ras", None): 36750}),
    "perbadan-6-2024": ("HAP", "Peraturan Badan Pangan Nasional", "6 Tahun 2024", "2024-04-25", None,
                        {("telur-ayam-ras", None): 30000, ("daging-ayam-ras", None): 40000}),
    "perbadan-11-2022": ("HAP", "Peraturan Badan Pangan Nasional", "11 Tahun 2022", "2022-12-28",
                         "2023-07-23", {**HAP_2022, ("gula-pasir", WEST): 13500}),
    "perbadan-17-2023": ("HAP", "Peraturan Badan Pangan Nasional", "17 Tahun 2023", "2023-07-24", None,
                         {**HAP_2022, ("gula-pasir", WEST): 14500}),
    "surat-bapanas-1105-2023": ("HAP", "Surat Deputi Bidang Ketersediaan dan Stabilisasi Pangan, Badan "
                                "Pangan Nasional", "1105/TS.02.02/B/11/2023", "2023-11-03", "2024-04-04",
                                {("gula-pasir", WEST): 16000}),
    "surat-bapanas-425-2024": ("HAP", "Surat Badan Pangan Nasional", "425/TS.02.02/B/6/2024", "2024-04-05",
                               None, {("gula-pasir", None): 17500, ("gula-pasir", "maluku-papua"): 18500}),
}


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def by_instrument(catalogue):
    found = {}
    for reference in catalogue.references:
        found.setdefault(reference.source.id, []).append(reference)
    return found


def test_every_instrument_in_the_file_is_pinned_here(catalogue):
    assert set(by_instrument(catalogue)) == set(PUBLISHED)


def _place(reference, areas):
    if reference.zone is not None:
        return reference.zone
    if reference.provinces is not None:
        return areas[reference.provinces]
    return None


@pytest.mark.parametrize("instrument", sorted(PUBLISHED))
def test_instrument_figures_as_published(catalogue, instrument):
    data = yaml.safe_load((DATA_DIR / "reference_prices.yaml").read_text())
    areas = {frozenset(codes): name for name, codes in data["areas"].items()}
    kind, kind_of_act, number, start, end, figures = PUBLISHED[instrument]
    references = by_instrument(catalogue)[instrument]
    source = references[0].source
    assert (source.type, source.number) == (kind_of_act, number)
    assert {(r.kind, r.effective_from, r.effective_to) for r in references} == {(kind, start, end)}
    table = {(r.commodity, _place(r, areas)): r.upper if r.lower is None else (r.lower, r.upper)
             for r in references}
    assert table == figures


@pytest.mark.parametrize("commodity, region, day, price, instrument", [
    # beras in Kota Tangerang (zone 1) across each change
    ("beras-medium", "36.71", "2023-03-30", None, None),
    ("beras-medium", "36.71", "2023-03-31", 10900, "perbadan-7-2023"),
    ("beras-medium", "36.71", "2024-06-01", 12500, "surat-bapanas-160-2024"),
    ("beras-medium", "36.71", "2024-06-05", 12500, "perbadan-5-2024"),
    ("beras-medium", "36.71", "2025-08-21", 12500, "perbadan-5-2024"),
    ("beras-medium", "36.71", "2025-08-22", 13500, "kepbadan-299-2025"),
    ("beras-premium", "21.71", "2025-09-01", 15400, "kepbadan-299-2025"),  # Batam, zone 2
    ("beras-medium", "73.71", "2023-06-01", 10900, "perbadan-7-2023"),     # Makassar: Sulawesi is zone 1
    # the 25 April 2024 change of telur and daging ayam ras
    ("telur-ayam-ras", "36.71", "2024-04-24", 27000, "perbadan-5-2022"),
    ("telur-ayam-ras", "36.71", "2024-04-25", 30000, "perbadan-6-2024"),
    ("daging-ayam-ras", "36.71", "2024-04-24", 36750, "perbadan-5-2022"),
    ("daging-ayam-ras", "36.71", "2024-04-25", 40000, "perbadan-6-2024"),
    # daging sapi has stood at 140,000 since Perbadan 11/2022
    ("daging-sapi", "36.71", "2023-01-10", 140000, "perbadan-11-2022"),
    ("daging-sapi", "36.71", "2025-11-01", 140000, "perbadan-17-2023"),
    # gula: 2023 regulation, the November 2023 letter, the 2024 relaxation; Papua apart
    ("gula-pasir", "36.71", "2023-08-01", 14500, "perbadan-17-2023"),
    ("gula-pasir", "36.71", "2023-12-01", 16000, "surat-bapanas-1105-2023"),
    ("gula-pasir", "36.71", "2024-04-05", 17500, "surat-bapanas-425-2024"),
    ("gula-pasir", "91.71", "2024-04-05", 18500, "surat-bapanas-425-2024"),
    ("minyakita", "36.71", "2024-08-13", None, None),
    ("minyakita", "36.71", "2024-08-14", 15700, "permendag-18-2024"),
    # no instrument found for these: no reference rather than an invented one
    ("bawang-putih", "36.71", "2025-01-01", None, None),
    ("cabai-merah-besar", "36.71", "2025-01-01", None, None),
])
def test_the_reference_in_force_on_a_day(catalogue, commodity, region, day, price, instrument):
    found = references.reference_for(catalogue.references, commodity, region, day)
    assert (found and found.upper, found and found.source.id) == (price, instrument)
