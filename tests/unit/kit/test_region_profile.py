"""A region's profile: validated as a whole (every bad field named at once, nothing stored),
its defaults (time zone from the province, brand from the name), and its calendar feeding
the working days (servicekit/region_profile.py, regions.py, working_days.py)."""
from datetime import date

import pytest

from services.servicekit import regions, working_days
from services.servicekit.errors import ValidationFailed
from services.servicekit.regions import Region, register_region, validate_region

BAD = {"code": "94.71", "name": "Kota Jayapura", "province": "Papua", "modules": ["aspirasi", "parkir"],
       "brand": {"name": "", "theme_color": "blue", "logo_url": "javascript:alert(1)", "font": "x"},
       "timezone": "Asia/Nowhere", "senders": {"mail_from": "not-an-address", "sms_sender": "A"},
       "working_days": [1, 2, 8], "days_off": ["2026-02-30", {"date": "2026-12-24", "name": "Cuti"}]}


class Writes:
    """The platform database as register_region writes it: every write recorded."""

    def __init__(self):
        self.written = []

    def __getitem__(self, name):
        return self

    def replace_one(self, *args, **kwargs):
        self.written.append(args)


def test_every_bad_profile_field_is_named_at_once_and_nothing_is_stored(monkeypatch):
    db = Writes()
    monkeypatch.setattr(regions, "_require_db", lambda: db)
    with pytest.raises(ValidationFailed) as refused:
        register_region(BAD)
    assert set(refused.value.details["fields"]) == {
        "modules", "brand.name", "brand.theme_color", "brand.logo_url", "brand.font", "timezone",
        "senders.mail_from", "senders.sms_sender", "working_days", "days_off[0]"}
    assert refused.value.details["fields"]["brand.theme_color"]["code"] == "bad_color"
    assert db.written == []


def test_a_good_profile_is_stored_whole(monkeypatch):
    db = Writes()
    monkeypatch.setattr(regions, "_require_db", lambda: db)
    region = register_region({"code": "94.71", "name": "Kota Jayapura", "province": "Papua",
                              "modules": ["aspirasi", "news"], "brand": {"name": "Jayapura Hebat",
                                                                         "theme_color": "#8a1538"},
                              "senders": {"mail_from": "laksa@jayapurakota.go.id", "sms_sender": "JPRKOTA"},
                              "working_days": [1, 2, 3, 4, 5, 6], "days_off": ["2026-12-24"]})
    [(key, doc)] = db.written
    assert key == {"_id": "94.71"}
    assert doc["modules"] == ["aspirasi", "news"] and doc["timezone"] == "Asia/Jayapura"
    assert doc["brand"] == {"name": "Jayapura Hebat", "short_name": "Tangerang Live",
                            "theme_color": "#8a1538", "logo_url": ""}
    assert doc["days_off"] == [{"date": "2026-12-24", "name": "Hari libur daerah"}]
    assert region.senders["sms_sender"] == "JPRKOTA"


@pytest.mark.parametrize("province, code, zone", [
    ("Papua", "91.71", "Asia/Jayapura"), ("Papua Barat Daya", "96.71", "Asia/Jayapura"),
    ("Maluku Utara", "82.71", "Asia/Jayapura"), ("Nusa Tenggara Timur", "53.71", "Asia/Makassar"),
    ("Bali", "51.71", "Asia/Makassar"), ("Kalimantan Barat", "61.71", "Asia/Pontianak"),
    ("Banten", "36.05", "Asia/Jakarta"), ("Provinsi Baru", "94.05", "Asia/Jayapura")])
def test_the_time_zone_follows_the_province_when_not_given(province, code, zone):
    assert validate_region({"code": code, "name": "Contoh", "province": province}).timezone == zone


def test_a_region_without_a_profile_keeps_what_it_had():
    region = Region("36.02", "Kabupaten Lebak", "Banten")
    assert region.modules == ("aspirasi", "prices", "news", "pencaker")
    assert region.brand["theme_color"] == "#0b5cad" and region.working_days == (1, 2, 3, 4, 5)


def test_the_region_s_own_working_days_and_days_off_count(monkeypatch):
    own = Region("36.09", "Kabupaten Contoh", "Banten", working_days=(1, 2, 3, 4, 5, 6),
                 days_off=({"date": "2026-12-08", "name": "Hari jadi"},))
    monkeypatch.setattr(working_days, "get_region", lambda code: own)
    assert not working_days.is_working_day(date(2026, 12, 8), "36.09")  # its own day off, a Tuesday
    assert working_days.is_working_day(date(2026, 12, 12), "36.09")  # a Saturday it works
    # Mon 7 .. Sun 13 December 2026: Mon, Wed, Thu, Fri, Sat (Tue is its day off)
    assert working_days.count_working_days(date(2026, 12, 7), date(2026, 12, 14), "36.09") == 5
