"""The public ticket views never show the reporter's name unless they chose so,
never their contact, nor an internal note between officers: JSON, the region listing, Open311 (JSON and XML),
the lacak page, the live view, the beranda and the feeds."""
import uuid

import pytest

from tests.helpers import wait_for

REGION = "36.72"
HIDDEN_NAME, SHOWN_NAME = "Wiranata Tersembunyi", "Kartika Terbuka"
CONTACT = ("081377788899", "3672014507950002", "pelapor.rahasia@example.id")
# what officers write to each other (#32.4): never on a public face
INTERNAL_NOTES = ("Cek internal: pelapor kerabat lurah", "Mohon DLH angkut sebelum Jumat, rahasia")


def report(name, **extra):
    return {"category": "jalan-rusak", "description": f"Jalan berlubang {uuid.uuid4().hex[:6]}",
            "location": {"lat": -6.0119, "long": 106.0413, "address": "Jl. Uji Privasi"},
            "reporter": {"name": name, "phone": CONTACT[0], "nik": CONTACT[1], "email": CONTACT[2]},
            **extra}


@pytest.fixture(scope="module")
def tickets(platform):
    import requests

    from services.gateway.access.auth import issue_token
    made = {}
    with requests.Session() as http:
        for name, extra in ((HIDDEN_NAME, {}), (SHOWN_NAME, {"show_name": True})):
            response = http.post(f"{platform.url}/api/v1/regions/{REGION}/aspirasi",
                                 json=report(name, **extra), timeout=10,
                                 headers={"X-Forwarded-For": "198.51.100.90"})
            assert response.status_code == 201, response.text
            made[name] = response.json()["number"]
        admin = {"Authorization": "Bearer " + issue_token("admin-privasi", "region_admin", REGION)}
        for action, note in zip(("verify", "dispatch"), INTERNAL_NOTES, strict=True):
            moved = http.post(f"{platform.url}/api/v1/aspirasi/{made[HIDDEN_NAME]}/transitions",
                              json={"action": action, "note": note}, headers=admin, timeout=10)
            assert moved.status_code == 200, moved.text
    return made


def public_views(platform, http, number):
    base, jurisdiction = platform.url, {"jurisdiction_id": REGION}
    live = wait_for(lambda: (body := http.get(f"{base}/api/v1/regions/{REGION}/live", timeout=5))
                    and body.json()["sections"]["aspirasi"].get("received", 0) >= 2 and body,
                    what="the submissions counted in the live view")
    return {
        "json": http.get(f"{base}/api/v1/aspirasi/{number}", timeout=5),
        "listing": http.get(f"{base}/api/v1/regions/{REGION}/aspirasi", params={"limit": 100}, timeout=5),
        "open311 json": http.get(f"{base}/open311/v2/requests/{number}.json", params=jurisdiction, timeout=5),
        "open311 xml": http.get(f"{base}/open311/v2/requests/{number}.xml", params=jurisdiction, timeout=5),
        "open311 listing": http.get(f"{base}/open311/v2/requests.json", params=jurisdiction, timeout=5),
        "lacak": http.get(f"{base}/lacak/{number}", timeout=5),
        "live": live,
        "beranda": http.get(f"{base}/r/{REGION}/", timeout=5),
        "rss": http.get(f"{base}/feeds/{REGION}/rss.xml", timeout=5),
        "atom": http.get(f"{base}/feeds/{REGION}/atom.xml", timeout=5),
    }


def text(view):
    if isinstance(view, str):
        return view
    assert view.status_code == 200, (view.url, view.status_code, view.text[:300])
    return view.text


def test_no_public_view_shows_the_name_by_default_nor_any_contact(platform, http, tickets):
    views = public_views(platform, http, tickets[HIDDEN_NAME])
    for kind, view in views.items():
        body = text(view)
        assert HIDDEN_NAME not in body, kind
        for contact in CONTACT:
            assert contact not in body, (kind, contact)
        for note in INTERNAL_NOTES:
            assert note not in body, (kind, note)


def test_the_name_is_shown_only_where_the_reporter_opted_in(platform, http, tickets):
    number = tickets[SHOWN_NAME]
    shown = http.get(f"{platform.url}/api/v1/aspirasi/{number}", timeout=5).json()
    assert shown["reporter_name"] == SHOWN_NAME
    assert SHOWN_NAME in text(http.get(f"{platform.url}/lacak/{number}", timeout=5))
    for kind, view in public_views(platform, http, number).items():
        for contact in CONTACT:
            assert contact not in text(view), (kind, contact)
