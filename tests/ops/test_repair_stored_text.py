"""tools.repair_stored_text: finds the bad text stored before the form gate, reports it
without changing anything, and with --fix cleans, restores or retires it (issue 25, item 7)."""
from services.aspirasi.repository import TicketRepository
from services.gateway.access.accounts import AccountRepository
from tools.repair_stored_text import PAUSED_MS, repair

MB = 1_000_000


def seed_bad_records(db):
    """What the hostile sweep stored through the forms before the fix."""
    db.catalogues.insert_one({"_id": "36.71", "template": "catalogue.yaml"})
    db.categories.insert_many([
        {"_id": "36.71:sampah", "region": "36.71", "code": "sampah", "name": "Sampah", "opd": "\x00"},
        {"_id": "36.71:x", "region": "36.71", "code": "x" * 20_000, "name": "Panjang", "opd": "DLH"},
        {"_id": "36.71:esc", "region": "36.71", "code": "esc", "name": "Lampu\x1b[31m \ufffd", "opd": "DLH"},
        {"_id": "36.71:kosong", "region": "36.71", "code": "kosong", "name": "\x00\x1b", "opd": "DLH"},
        {"_id": "36.71:jalan-rusak", "region": "36.71", "code": "jalan-rusak", "name": "Jalan rusak",
         "opd": "Dinas PUPR"}])
    db.accounts.insert_many([
        {"_id": "rudi\x00", "password": "x", "role": "opd_officer", "region": "36.71", "opd": "DLH"},
        {"_id": "dlh.baik", "password": "x", "role": "opd_officer", "region": "36.71", "opd": "D" * MB}])
    db.api_keys.insert_one({"_id": "ab" * 32, "region": "36.71", "label": "RT\x00 05"})
    db.feed_sources.insert_many([
        {"_id": "36.71|https://contoh.id/rss", "region": "36.71", "url": "https://contoh.id/rss",
         "name": "Berita\x1b[0m kota", "next_fetch_ms": 0},
        {"_id": "36.71|bad", "region": "36.71", "url": "https://contoh.id/\x00", "name": "Baik",
         "next_fetch_ms": 0}])
    db.seekers.insert_many([{"_id": "s1", "skills": ["las\x1b[31m", "\ufffd", "Las", "menjahit"]},
                            {"_id": "s2", "skills": ["menjahit"]}])


def snapshot(db):
    return {name: sorted(db[name].find(), key=lambda d: str(d["_id"]))
            for name in ("categories", "accounts", "api_keys", "feed_sources", "seekers")}


def test_a_dry_run_names_every_bad_value_and_changes_nothing_then_fix_repairs_them(mongo_db):
    seed_bad_records(mongo_db)
    databases = dict.fromkeys(("aspirasi", "gateway", "news", "pencaker"), mongo_db)
    before = snapshot(mongo_db)
    found = {(f.where.split()[0], f.field): f for f in repair(databases)}
    assert snapshot(mongo_db) == before
    assert len(repair(databases)) == 10  # two category names
    assert {key for key in found} == {
        ("aspirasi.categories", "opd"), ("aspirasi.categories", "code"), ("aspirasi.categories", "name"),
        ("gateway.accounts", "username"), ("gateway.accounts", "opd"), ("aspirasi.api_keys", "label"),
        ("news.feed_sources", "name"), ("news.feed_sources", "url"), ("pencaker.seekers", "skills")}
    assert "control characters" in found[("aspirasi.categories", "opd")].problems

    repair(databases, fix=True)
    categories = {c["_id"]: c for c in mongo_db.categories.find()}
    assert categories["36.71:sampah"]["opd"] == "Dinas Lingkungan Hidup"  # the template's
    assert categories["36.71:esc"]["name"] == "Lampu[31m"
    assert categories["36.71:x"]["retired_at"] and categories["36.71:kosong"]["retired_at"]
    good = next(c for c in before["categories"] if c["_id"] == "36.71:jalan-rusak")
    assert categories["36.71:jalan-rusak"] == good  # a good one is left alone
    assert set(TicketRepository(mongo_db).categories("36.71")) == {"sampah", "esc", "jalan-rusak"}
    accounts = AccountRepository(mongo_db)
    assert accounts.get("rudi\x00")["disabled"] and not accounts.in_force("rudi\x00", 0)
    assert accounts.get("dlh.baik")["opd"] == "D" * 60
    assert mongo_db.api_keys.find_one()["label"] == "RT 05"
    feeds = {f["_id"]: f for f in mongo_db.feed_sources.find()}
    assert feeds["36.71|https://contoh.id/rss"]["name"] == "Berita[0m kota"
    assert feeds["36.71|bad"]["next_fetch_ms"] == PAUSED_MS
    assert mongo_db.seekers.find_one({"_id": "s1"})["skills"] == ["las[31m", "las", "menjahit"]
    assert repair(databases) == []  # nothing left to find
