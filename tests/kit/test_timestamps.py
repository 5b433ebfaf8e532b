"""The store gives back timestamps as aware UTC datetimes (a real store).
The timestamp helpers alone: tests/unit/kit/test_timestamps.py."""
from datetime import timedelta, timezone

from services.servicekit.envelope import utcnow


def test_the_store_gives_back_the_aware_utc_datetime_written(mongo_db):
    written = utcnow().replace(microsecond=123000)  # BSON keeps milliseconds
    mongo_db.moments.insert_one({"_id": 1, "at": written, "nested": [{"at": written}]})
    read = mongo_db.moments.find_one({"_id": 1})
    for moment in (read["at"], read["nested"][0]["at"]):
        assert moment == written and moment.tzinfo is timezone.utc  # not bson's FixedOffset, not naive
    assert read["at"] - utcnow() < timedelta(seconds=5)  # compares with what writers make
