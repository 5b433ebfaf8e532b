"""Report photos in the store: random ids, served only once a ticket holds them, and
purged when no ticket took them within the hour (on the real store, nx-27017)."""
import gridfs
from bson import ObjectId

from services.gateway.laksa.media import MediaRepository

FILES = "photos.files"
HOUR = 3600  # a form not sent within it loses its photos



def test_ids_are_random_and_a_photo_is_served_only_once_a_ticket_holds_it(mongo_db):
    media = MediaRepository(mongo_db)
    ids = [media.put(b"\xff\xd8 the same photo") for _ in range(3)]
    assert len(set(ids)) == 3  # each upload its own, nothing to find by its bytes
    assert len({i[:8] for i in ids}) == 3  # not the store's clock-and-counter ids (same first 8)
    assert all(media.exists(i) for i in ids) and media.get(ids[0]) is None  # pending: kept, not served
    media.attach(ids[:1], "LAKSA-3671-2026-000001")
    data, content_type, digest = media.get(ids[0])
    assert data == b"\xff\xd8 the same photo" and content_type == "image/jpeg" and len(digest) == 64
    assert media.get("0" * 24) is None and media.get("bukan-id") is None and not media.exists("bukan-id")


def test_photos_no_ticket_took_within_the_hour_are_purged_with_their_chunks(mongo_db):
    media, now = MediaRepository(mongo_db), 1_800_000_000.0
    sent, left = media.put(b"sent photo", now=now), media.put(b"left photo", now=now)
    media.attach([sent], "LAKSA-3671-2026-000002")
    assert media.purge(now + HOUR - 1) == 0 and media.exists(left, now + HOUR - 1)
    assert not media.exists(left, now + HOUR)  # no longer taken by a form
    left_file = ObjectId(left)
    assert len(list(mongo_db["photos.chunks"].find({"files_id": left_file}))) == 1
    assert mongo_db[FILES].find_one({"_id": left_file}) is not None
    later = media.put(b"another", now=now + HOUR + 1)  # an upload purges too
    assert mongo_db[FILES].find_one({"_id": left_file}) is None
    assert list(mongo_db["photos.chunks"].find({"files_id": left_file})) == []
    assert media.get(sent)[0] == b"sent photo" and media.exists(later, now + HOUR + 1)
    assert media.purge(now + 10 * HOUR) == 1  # `later`, never sent; `sent` stays
    assert media.get(sent)[0] == b"sent photo"


def test_photos_stored_before_ids_were_drawn_stay_public(mongo_db):
    old = str(gridfs.GridFS(mongo_db, collection="photos").put(b"old photo", filename="ab" * 32,
                                                               content_type="image/jpeg"))
    media = MediaRepository(mongo_db)
    assert media.get(old)[0] == b"old photo"
    assert media.purge(2_000_000_000.0) == 0 and media.get(old)[0] == b"old photo"
