"""Load demo data through the public API, so it exercises the real paths."""
import sys
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import requests

from services.gateway.access.auth import issue_token

DEMO_REPORTS = [
    ("36.71", {"category": "penerangan-jalan", "description": "Lampu jalan mati di depan Pasar Anyar",
               "location": {"lat": -6.1781, "long": 106.6319}, "anonymous": True}),
    ("36.71", {"category": "jalan-rusak", "description": "Jalan berlubang di Jl. Daan Mogot",
               "location": {"lat": -6.1702, "long": 106.6403},
               "reporter": {"name": "Siti Aminah", "phone": "081234567890"}}),
    ("36.02", {"category": "sampah", "description": "Sampah menumpuk di dekat alun-alun Rangkasbitung",
               "location": {"address": "Alun-alun Rangkasbitung"}, "anonymous": True}),
]


def main(gateway):
    session = requests.Session()
    for index, (region, report) in enumerate(DEMO_REPORTS):
        response = session.post(f"{gateway}/api/v1/regions/{region}/aspirasi", json=report,
                                headers={"Idempotency-Key": f"demo-{index}"}, timeout=10)
        response.raise_for_status()
    print(f"demo data loaded: {len(DEMO_REPORTS)} aspirasi")
    load_pencaker(session, gateway)
    load_news(session, gateway)
    load_prices(session, gateway)


DEMO_EMPLOYER = {"name": "PT Cahaya Logam Tangerang", "sector": "Manufaktur logam",
                 "address": "Jl. Gatot Subroto Km 5, Jatiuwung", "url": "https://cahayalogam.example.id",
                 "contact": {"email": "hrd@cahayalogam.example.id", "phone": "021 5550 1234"}}
DEMO_VACANCIES = [
    {"title": "Operator CNC", "description": "Mengoperasikan dan menyetel mesin CNC bubut dan frais.",
     "kbji": "7223", "employment_type": ["FULL_TIME"], "education": "smk", "skills": ["cnc", "bubut"],
     "address": "Jl. Gatot Subroto Km 5, Jatiuwung",
     "salary": {"min": 5_000_000, "max": 6_000_000, "unit": "MONTH"}, "openings": 4},
    {"title": "Tukang Las", "description": "Pengelasan rangka baja (SMAW/MIG) untuk proyek pabrik.",
     "employment_type": ["CONTRACTOR"], "education": "smp", "skills": ["las"],
     "salary": {"min": 180_000, "max": 250_000, "unit": "DAY"}, "openings": 2},
    {"title": "Staf Administrasi Gudang", "description": "Mencatat keluar masuk barang dan stok opname.",
     "employment_type": ["FULL_TIME"], "education": "sma", "skills": ["microsoft excel", "administrasi"],
     "salary": {"min": 4_900_000, "max": 5_300_000, "unit": "MONTH"}, "openings": 1},
    {"title": "Magang Quality Control", "description": "Magang 6 bulan memeriksa mutu hasil produksi.",
     "employment_type": ["INTERN"], "education": "d3", "skills": ["quality control"],
     "salary": {"min": 2_500_000, "max": 3_000_000, "unit": "MONTH"}, "openings": 3},
    {"title": "Operator Produksi", "description": "Operator lini produksi di pabrik Cikupa, shift.",
     "employment_type": ["TEMPORARY"], "education": "sma", "skills": ["produksi"], "region": "36.03",
     "salary": {"min": 4_700_000, "max": 5_000_000, "unit": "MONTH"}, "openings": 10},
]
DEMO_SEEKER = {"nik": "3602011405980001", "name": "Rudi Hartono", "birth_place": "Rangkasbitung",
               "birth_date": "1998-05-14", "sex": "L", "domicile_address": "Jl. Multatuli 12, Rangkasbitung",
               "marital_status": "belum_kawin", "religion": "islam",
               "education": {"level": "smk", "major": "Teknik Pemesinan",
                             "institution": "SMKN 1 Rangkasbitung", "graduation_year": 2016},
               "courses": [{"name": "Operator mesin CNC", "institution": "BLK Serang", "year": 2017}],
               "languages": ["Indonesia", "Sunda"],
               "desired_position": {"title": "Operator CNC", "kbji": "7223"},
               "desired_locations": ["36.02", "36.71", "36.03"], "skills": ["cnc", "bubut", "las"],
               "experience": [{"position": "Helper bengkel bubut", "years": 2}],
               "expected_salary": 5_000_000, "contact": {"phone": "0812 9876 5432"}}


def load_pencaker(session, gateway):
    """An employer with verified vacancies (four in Kota Tangerang, one in Kab.
    Tangerang) and a seeker from Kab. Lebak. Safe to run again on kept data."""
    def bearer(subject, role, region):
        return {"Authorization": f"Bearer {issue_token(subject, role, region)}"}

    employer = bearer("demo-hrd@cahayalogam", "citizen", "36.71")
    seeker = session.post(f"{gateway}/api/v1/regions/36.02/seekers", json=DEMO_SEEKER, timeout=10)
    if seeker.status_code != 409:  # 409: registered on an earlier run
        seeker.raise_for_status()
    existing = session.get(f"{gateway}/api/v1/regions/36.71/vacancies",
                           params={"q": DEMO_EMPLOYER["name"]}, timeout=10).json()
    if existing["total"]:
        print("demo data: pencaker vacancies already there")
        return
    company = session.post(f"{gateway}/api/v1/regions/36.71/employers", json=DEMO_EMPLOYER,
                           headers=employer, timeout=10)
    company.raise_for_status()
    valid_through = (date.today() + timedelta(days=45)).isoformat()
    for vacancy in DEMO_VACANCIES:
        posted = session.post(f"{gateway}/api/v1/employers/{company.json()['_id']}/vacancies",
                              json={**vacancy, "valid_through": valid_through}, headers=employer, timeout=10)
        posted.raise_for_status()
        officer = bearer("demo-disnaker", "disnaker_officer", posted.json()["region"])
        session.post(f"{gateway}/api/v1/vacancies/{posted.json()['id']}/verify", headers=officer,
                     timeout=10).raise_for_status()
    print(f"demo data loaded: 1 employer, {len(DEMO_VACANCIES)} verified vacancies, 1 job seeker")


DEMO_NEWS = [
    ("36.71", {"title": "Car Free Day kembali digelar di Jalan Sudirman", "category": "pengumuman",
               "tags": ["car free day", "olahraga"],
               "body": "<p>Pemerintah Kota Tangerang kembali menggelar Car Free Day setiap Minggu pukul "
                       "06.00-10.00 WIB di Jalan Jenderal Sudirman.</p><p>Kendaraan bermotor dialihkan "
                       "melalui Jalan Daan Mogot.</p>"}),
    ("36.71", {"title": "Revitalisasi Pasar Anyar dimulai bulan depan", "category": "ekonomi",
               "tags": ["pasar", "umkm"],
               "body": "<p>Pedagang Pasar Anyar akan dipindahkan sementara ke lahan relokasi di Jalan "
                       "Ki Samaun selama revitalisasi berlangsung.</p>"}),
    ("36.71", {"title": "Vaksinasi anak gratis di seluruh puskesmas", "category": "kesehatan",
               "tags": ["vaksin", "puskesmas"],
               "body": "<p>Dinas Kesehatan membuka layanan imunisasi anak gratis di 38 puskesmas, "
                       "Senin sampai Jumat.</p>"}),
    ("36.03", {"title": "Festival Kuliner Tangerang Utara digelar di Pantai Tanjung Pasir",
               "category": "sosial-budaya", "tags": ["festival", "kuliner"],
               "body": "<p>Festival kuliner pesisir menghadirkan 60 pelaku UMKM selama tiga hari.</p>"}),
    ("36.03", {"title": "Perbaikan jalan Raya Serang ruas Cikupa", "category": "infrastruktur",
               "tags": ["jalan"],
               "body": "<p>Pengendara diimbau menghindari ruas Cikupa pukul 22.00-05.00 WIB selama "
                       "perbaikan berlangsung.</p>"}),
]


def load_news(session, gateway):
    """Published news for Kota Tangerang and Kab. Tangerang; Kab. Tangerang also
    carries Kota Tangerang's news. Safe to run again on kept data."""
    def editor(region):
        return {"Authorization": f"Bearer {issue_token(f'demo-redaksi@{region}', 'editor', region)}"}

    session.put(f"{gateway}/api/v1/regions/36.03/news-subscriptions", json={"sources": ["36.71"]},
                headers=editor("36.03"), timeout=10).raise_for_status()
    published = 0
    for region, article in DEMO_NEWS:
        base = f"{gateway}/api/v1/regions/{region}/news"
        created = session.post(base, json=article, headers=editor(region), timeout=10)
        if created.status_code == 409:  # slug taken: loaded on an earlier run
            continue
        created.raise_for_status()
        for action in ("submit", "publish"):
            session.post(f"{base}/{created.json()['slug']}/{action}", headers=editor(region),
                         timeout=10).raise_for_status()
        published += 1
    print(f"demo data loaded: {published} news articles (36.03 carries 36.71's news)")


# Yesterday's and today's prices per market (Rp), as a market officer's sheet.
DEMO_PRICES = {
    "36.71": {"Pasar Anyar": 0, "Pasar Malabar": 300, "Pasar Lembang Ciledug": -200},
    "36.74": {"Pasar Ciputat": 400, "Pasar Modern BSD": 1500},
    "36.02": {"Pasar Rangkasbitung": -500},
}
DEMO_COMMODITIES = [  # name, unit, yesterday, today
    ("Beras Medium", "Rp/kg", 13200, 13300), ("Beras Premium", "Rp/kg", 15200, 15200),
    ("Telur Ayam Ras", "Rp/kg", 29500, 30500), ("Daging Ayam Ras", "Rp/kg", 38000, 37500),
    ("Bawang Merah", "Rp/kg", 41000, 43000), ("Cabai Rawit Merah", "Rp/kg", 52000, 66000),
    ("Minyakita", "Rp/liter", 16500, 16500), ("Gula Pasir", "Rp/kg", 17800, 17700),
]


def load_prices(session, gateway):
    """Two days of prices in a few markets of three Banten regions, sent as CSV
    imports by each region's officer; the chilli jump raises alerts. Re-running
    sends the same sheets, which change nothing."""
    today = datetime.now(ZoneInfo("Asia/Jakarta")).date()
    days = ((today - timedelta(days=1)).isoformat(), 0), (today.isoformat(), 1)
    for region, markets in DEMO_PRICES.items():
        lines = ["Tanggal,Pasar,Komoditas,Satuan,Harga"]
        for day, index in days:
            for market, offset in markets.items():
                lines += [f"{day},{market},{name},{unit},{prices[index] + offset}"
                          for name, unit, *prices in DEMO_COMMODITIES]
        officer = issue_token(f"demo-harga@{region}", "region_admin", region)
        response = session.post(f"{gateway}/api/v1/regions/{region}/prices/imports",
                                data="\n".join(lines).encode(), timeout=60,
                                headers={"Content-Type": "text/csv", "Authorization": f"Bearer {officer}"})
        response.raise_for_status()
    print(f"demo data loaded: prices for two days in {sum(map(len, DEMO_PRICES.values()))} markets")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
