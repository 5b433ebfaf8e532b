"""What the officers' queue and kinerja read, on the real store through the repository's own writes."""
from datetime import datetime, timezone

import pytest

from services.aspirasi import domain, kinerja
from services.aspirasi.repository import TicketRepository
from services.servicekit.regions import Region

UTC = timezone.utc
NOW = datetime(2026, 12, 20, 5, 0, tzinfo=UTC)
TANGERANG = Region("36.71", "Kota Tangerang", "Banten")


def day(month, number, hour=3):
    return datetime(2026, month, number, hour, 0, tzinfo=UTC)


@pytest.fixture
def repo(mongo_db):
    TicketRepository.ensure_indexes(mongo_db)
    return TicketRepository(mongo_db)


def store(repo, number, submitted, steps=(), region="36.71", opd="DLH"):
    """A ticket submitted at `submitted`, then moved by (action, status, actor, at) steps, written
    as the service writes: an insert, then version-checked replaces."""
    repo.insert({"_id": number, "region": region, "opd": opd, "status": "submitted",
                 "submitted_at": submitted, "updated_at": submitted, "breaches": [],
                 "history": [{"action": "submit", "actor": "citizen", "role": "citizen",
                              "at": submitted}]}, [])
    for action, status, actor, at in steps:
        ticket = repo.get(number)
        stamp = {"verify": {"verified_at": at}, "resolve": {"resolved_at": at}}.get(action, {})
        repo.update(ticket, {"status": status, "updated_at": at, **stamp, "history": ticket["history"] + [
            {"action": action, "actor": actor, "role": "region_admin", "at": at}]}, [])


def test_the_month_reads_its_tickets_and_the_open_ones_only(repo):
    store(repo, "submitted-in-november", day(11, 3))
    store(repo, "resolved-in-november", day(10, 20), [("verify", "verified", "ani", day(10, 21)),
                                                       ("resolve", "resolved", "ani", day(11, 10))])
    store(repo, "rejected-in-november", day(10, 29), [("reject", "rejected", "budi", day(11, 2))])
    store(repo, "open-since-august", day(8, 5), [("verify", "verified", "ani", day(8, 6))])
    store(repo, "done-in-october", day(10, 1), [("resolve", "resolved", "ani", day(10, 30))])
    store(repo, "submitted-in-december", day(12, 2), [("reject", "rejected", "ani", day(12, 3))])
    store(repo, "elsewhere", day(11, 3), region="36.03")
    # the month in WIB: 31 Oct 17:00 UTC is 1 Nov 00:00 WIB, 30 Nov 17:00 UTC is 1 Dec 00:00 WIB
    store(repo, "first-minute", datetime(2026, 10, 31, 17, 0, tzinfo=UTC),
          [("reject", "rejected", "ani", datetime(2026, 10, 31, 17, 0, tzinfo=UTC))])
    store(repo, "after-the-last-minute", datetime(2026, 11, 30, 17, 0, tzinfo=UTC),
          [("reject", "rejected", "ani", datetime(2026, 11, 30, 18, 0, tzinfo=UTC))])
    bounds = kinerja.month_bounds("2026-11", TANGERANG.timezone)
    read = repo.for_month("36.71", *bounds)
    assert sorted(t["_id"] for t in read) == ["first-minute", "open-since-august", "rejected-in-november",
                                              "resolved-in-november", "submitted-in-november"]
    # nothing kinerja counts is left out
    assert kinerja.kinerja(read, "2026-11", TANGERANG, NOW) == kinerja.kinerja(
        list(repo.db.tickets.find({"region": "36.71"})), "2026-11", TANGERANG, NOW)


def test_the_queue_counts_every_status_and_lists_its_rows_without_history(repo):
    store(repo, "open-dlh", day(11, 3))
    store(repo, "verified-dlh", day(11, 4), [("verify", "verified", "ani", day(11, 5))])
    store(repo, "resolved-dlh", day(11, 1), [("resolve", "resolved", "ani", day(11, 2))])
    store(repo, "open-pupr", day(11, 3), opd="PUPR")
    store(repo, "open-elsewhere", day(11, 3), region="36.03")

    counts = repo.status_counts("36.71", None, domain.STATE_LABELS)
    assert set(counts) == set(domain.STATE_LABELS)
    assert (counts["submitted"], counts["verified"], counts["resolved"], sum(counts.values())) == (2, 1, 1, 4)
    assert sum(repo.status_counts("36.71", "PUPR", domain.STATE_LABELS).values()) == 1

    rows = repo.queue_rows("36.71", "DLH", domain.OPEN_STATES)
    assert sorted(r["_id"] for r in rows) == ["open-dlh", "verified-dlh"]
    assert all("history" not in r for r in rows)
    assert [r["_id"] for r in repo.queue_rows("36.71", None, {"resolved"})] == ["resolved-dlh"]


def test_stored_categories_carry_their_sla_and_an_edit_keeps_it(repo, monkeypatch):
    from services.aspirasi import repository
    monkeypatch.setattr(repository, "template_categories", lambda: [
        {"code": "hewan-liar", "name": "Hewan liar", "opd": "Damkar", "sla": {"follow_up": 1}},
        {"code": "sampah", "name": "Sampah", "opd": "DLH"}])
    found = repo.categories("36.71")
    assert (found["hewan-liar"].sla.verify, found["hewan-liar"].sla.follow_up) == (3, 1)
    assert (found["sampah"].sla.verify, found["sampah"].sla.follow_up) == (3, 5)
    repo.set_category("36.71", domain.Category("hewan-liar", "Hewan liar (ular)", "Damkar"))
    assert repo.categories("36.71")["hewan-liar"].view() == {
        "code": "hewan-liar", "name": "Hewan liar (ular)", "opd": "Damkar",
        "sla": {"verify_days": 3, "follow_up_days": 1}}
    # an edit naming one clock changes that one alone
    repo.set_category("36.71", domain.Category("hewan-liar", "Hewan liar (ular)", "Damkar"), {"verify": 2})
    edited = repo.categories("36.71")["hewan-liar"].sla
    assert (edited.verify, edited.follow_up) == (2, 1)
