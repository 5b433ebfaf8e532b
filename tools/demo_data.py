"""Load demo data through the public API, so it exercises the real paths."""
import sys

import requests

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


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
