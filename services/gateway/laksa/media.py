"""Citizens' report photos in the gateway's store (GridFS; checked on nx-27017, which
takes GridFS with ObjectId file ids).

A photo's id is 12 random bytes (an ObjectId drawn with `secrets`, not the store's
clock-and-counter one), so nobody finds a photo by counting. It is stored when the form
is posted, before the report is sent, and it is served only once a submitted ticket
holds it (`attach`); one no ticket took within PENDING_SECONDS (a form refused and left,
a retry's duplicate) is deleted by `purge`, which every upload and the gateway's timer run.
Photos stored before ids were drawn (no `attached` field) were public already and stay so.
"""
import hashlib
import re
import secrets
import time
from urllib.parse import urlsplit

import gridfs
from bson import ObjectId
from bson.errors import InvalidId

from services.servicekit.store import Repository

BUCKET = "photos"
UPLOADS = "photo_uploads"  # one document a photo: uploaded_at, attached (0/1), ticket
PENDING_SECONDS = 3600  # time to fix a refused form and send it
PURGE_BATCH = 200  # deleted at most per purge: bounded work per upload or timer tick


OWN_PHOTO = re.compile(r"^/media/[0-9a-f]{24}\.jpg$")


def local_photos(urls):
    """The photo links a page shows: this gateway's own photos as same-origin paths
    (/media/<id>.jpg). A ticket stores them absolute (public_url: the region's address,
    which Open311 and sharing tags need), and that address is often the region's web
    site, not this server; a photo a partner linked from elsewhere stays as it was."""
    shown = []
    for url in urls or []:
        path = urlsplit(str(url)).path
        shown.append(path if OWN_PHOTO.match(path) else url)
    return shown


def _object_id(photo_id):
    try:
        return ObjectId(photo_id)
    except (InvalidId, TypeError):
        return None


class MediaRepository(Repository):
    # GridFS on nx-27017 keeps only its own fields in photos.files, so a photo's state
    # lives beside it in UPLOADS (keyed by the photo id), written before its bytes: a
    # crash in between leaves a pending record that purge clears, never a public file.
    indexes = {f"{BUCKET}.files": [([("filename", 1)], {})], UPLOADS: [([("uploaded_at", 1)], {})]}

    def _fs(self):
        return gridfs.GridFS(self.db, collection=BUCKET)

    def put(self, data, content_type="image/jpeg", now=None):
        """The id of the newly stored photo, not served until `attach`ed."""
        now = time.time() if now is None else now
        self.purge(now)
        oid = ObjectId(secrets.token_bytes(12))
        self.db[UPLOADS].insert_one({"_id": str(oid), "uploaded_at": now, "attached": 0})
        return str(self._fs().put(data, _id=oid, content_type=content_type,
                                  filename=hashlib.sha256(data).hexdigest()))

    def attach(self, photo_ids, ticket_number):
        """Mark the photos a submitted ticket holds as public (kept, served)."""
        for photo_id in photo_ids:
            self.db[UPLOADS].update_one({"_id": photo_id}, {"$set": {"attached": 1, "ticket": ticket_number}})

    def _state(self, photo_id, now=None):
        """"public", "pending" (fresh, not yet held by a ticket) or None (gone, or too old)."""
        oid = _object_id(photo_id)
        if oid is None or not self._fs().exists(oid):
            return None
        upload = self.db[UPLOADS].find_one({"_id": str(oid)})
        if upload is None or upload.get("attached"):
            return "public"  # attached, or stored before ids were drawn
        fresh = (time.time() if now is None else now) - upload["uploaded_at"] < PENDING_SECONDS
        return "pending" if fresh else None

    def get(self, photo_id):
        """(bytes, content type, sha256) of a photo a submitted ticket holds, or None."""
        if self._state(photo_id) != "public":
            return None
        try:
            stored = self._fs().get(ObjectId(photo_id))
        except gridfs.NoFile:
            return None
        return stored.read(), stored.content_type or "image/jpeg", stored.filename

    def exists(self, photo_id, now=None):
        """Whether the photo may go with a report: public, or pending and fresh."""
        return self._state(photo_id, now) is not None

    def purge(self, now=None):
        """Delete the photos no ticket took within PENDING_SECONDS; how many."""
        cutoff = (time.time() if now is None else now) - PENDING_SECONDS
        stale = [doc["_id"] for doc in self.db[UPLOADS].find(
            {"attached": 0, "uploaded_at": {"$lt": cutoff}}).limit(PURGE_BATCH)]
        fs = self._fs()
        for photo_id in stale:
            fs.delete(ObjectId(photo_id))  # its chunks, then its file document
            self.db[UPLOADS].delete_one({"_id": photo_id, "attached": 0})
        return len(stale)
