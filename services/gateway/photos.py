"""Report photos from phones: re-encoded with Pillow to a JPEG of at most 200 KB,
turned upright, stripped of every EXIF field; the GPS position, when the phone
recorded one, is read first so the form can offer it as the report's location.
"""
import io

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 200 * 1024
MAX_SIDE = 1600
MAX_PHOTOS = 3
MAX_UPLOAD = 12 * 1024 * 1024  # per photo, as the phone sent it
FORMATS = {"JPEG", "PNG", "WEBP", "MPO"}
GPS_IFD = 0x8825
Image.MAX_IMAGE_PIXELS = 50_000_000  # refuse decompression bombs


class PhotoRejected(ValueError):
    """Not an image we take; the message is for citizens."""


def _degrees(value, ref):
    d, m, s = (float(v) for v in value)
    result = d + m / 60 + s / 3600
    return -result if ref in ("S", "W") else result


def gps_location(image):
    """(lat, long) from the photo's EXIF GPS fields, or None."""
    try:
        gps = image.getexif().get_ifd(GPS_IFD)
        lat = _degrees(gps[2], gps.get(1, "N"))
        lon = _degrees(gps[4], gps.get(3, "E"))
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat, lon) == (0, 0):
        return None
    return round(lat, 6), round(lon, 6)


def shrink(raw):
    """(jpeg bytes <= MAX_BYTES without EXIF, (lat, long) or None) from an uploaded photo."""
    if len(raw) > MAX_UPLOAD:
        raise PhotoRejected(f"Foto terlalu besar (lebih dari {MAX_UPLOAD // 1024 // 1024} MB).")
    try:
        image = Image.open(io.BytesIO(raw))
        if image.format not in FORMATS:
            raise PhotoRejected("Kirim foto JPEG, PNG atau WebP.")
        location = gps_location(image)
        image = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise PhotoRejected("Berkas ini bukan foto yang dapat dibaca.") from None
    side, quality = MAX_SIDE, 82
    while True:
        copy = image.copy()
        copy.thumbnail((side, side))
        out = io.BytesIO()
        copy.save(out, "JPEG", quality=quality, optimize=True)  # no exif= : nothing carried over
        if out.tell() <= MAX_BYTES:
            return out.getvalue(), location
        if quality > 60:
            quality -= 10
        else:
            side = int(side * 0.75)
