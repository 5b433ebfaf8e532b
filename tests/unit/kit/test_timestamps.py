"""One timestamp type: aware UTC datetimes, as written, read back and put in JSON."""
import os
import time
from datetime import datetime, timedelta, timezone

import pytest

from services.servicekit.envelope import as_utc, isoformat


def test_as_utc_reads_every_form_a_timestamp_was_stored_in():
    noon = datetime(2026, 12, 7, 12, 0, tzinfo=timezone.utc)
    jakarta = timezone(timedelta(hours=7))
    assert as_utc(noon) is not None and as_utc(noon).tzinfo is timezone.utc
    assert as_utc(datetime(2026, 12, 7, 19, 0, tzinfo=jakarta)) == noon
    assert as_utc(datetime(2026, 12, 7, 12, 0)) == noon  # naive: always written as UTC
    assert as_utc("2026-12-07 12:00:00.000000") == noon  # the embedded store's text of a $set datetime
    assert as_utc("2026-12-07T12:00:00Z") == noon
    assert as_utc(None) is None


@pytest.fixture
def host_in_jakarta():
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Jakarta"
    time.tzset()
    yield
    if before is None:
        os.environ.pop("TZ")
    else:
        os.environ["TZ"] = before
    time.tzset()


def test_a_naive_moment_is_formatted_as_utc_whatever_the_hosts_zone(host_in_jakarta):
    assert isoformat(datetime(2026, 12, 7, 12, 0)) == "2026-12-07T12:00:00Z"
    jakarta = timezone(timedelta(hours=7))
    assert isoformat(datetime(2026, 12, 7, 19, 0, tzinfo=jakarta)) == "2026-12-07T12:00:00Z"
