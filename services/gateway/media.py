"""Citizens' report photos in the gateway's store (GridFS; checked on nx-27017, which
takes GridFS with ObjectId file ids). A photo is found again by the SHA-256 of its
bytes, so the same photo sent twice is stored once; its URL never changes."""
import hashlib

import gridfs
from bson import ObjectId
from bson.errors import InvalidId

from services.servicekit.store import Repository

BUCKET = "photos"


class MediaRepository(Repository):
    indexes = {f"{BUCKET}.files": [([("filename", 1)], {})]}

    def put(self, data, content_type="image/jpeg"):
        """The id of the stored photo (existing or new)."""
        digest = hashlib.sha256(data).hexdigest()
        fs = gridfs.GridFS(self.db, collection=BUCKET)
        existing = fs.find_one({"filename": digest})
        if existing is not None:
            return str(existing._id)
        return str(fs.put(data, filename=digest, content_type=content_type))

    def get(self, photo_id):
        """(bytes, content type, sha256) or None."""
        try:
            found = gridfs.GridFS(self.db, collection=BUCKET).get(ObjectId(photo_id))
        except (InvalidId, TypeError, gridfs.NoFile):
            return None
        return found.read(), found.content_type or "image/jpeg", found.filename

    def exists(self, photo_id):
        try:
            return gridfs.GridFS(self.db, collection=BUCKET).exists(ObjectId(photo_id))
        except (InvalidId, TypeError):
            return False
