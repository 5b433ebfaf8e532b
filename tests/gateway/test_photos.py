"""Photo shrinking: <= 200 KB JPEG, upright, EXIF gone, GPS offered."""
import io
import os

import pytest
from PIL import Image

from services.gateway.photos import MAX_BYTES, PhotoRejected, shrink


def phone_photo(gps=True, size=(1800, 1200)):
    """A noisy (hard to compress) JPEG with camera EXIF and, optionally, GPS of Kota Tangerang."""
    image = Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90 degrees
    if gps:
        exif[0x8825] = {1: "S", 2: (6.0, 10.0, 41.88), 3: "E", 4: (106.0, 37.0, 54.84)}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95, exif=exif)
    return out.getvalue()


def test_a_big_phone_photo_is_shrunk_upright_without_exif_and_offers_its_location():
    raw = phone_photo()
    assert len(raw) > 2 * MAX_BYTES
    data, location = shrink(raw)
    assert len(data) <= MAX_BYTES
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG" and image.width < image.height  # turned by its Orientation
    assert not image.getexif() and "exif" not in image.info
    assert location == (-6.1783, 106.6319)  # 6°10'41.88"S, 106°37'54.84"E


def test_no_gps_no_location_and_non_images_are_refused():
    assert shrink(phone_photo(gps=False, size=(800, 600)))[1] is None
    with pytest.raises(PhotoRejected):
        shrink(b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    with pytest.raises(PhotoRejected):
        shrink(b"GIF89a" + b"\0" * 100)
