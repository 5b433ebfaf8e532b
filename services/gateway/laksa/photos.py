"""Report photos from phones: re-encoded with Pillow to a JPEG of at most 200 KB,
turned upright, stripped of every EXIF field; the GPS position, when the phone
recorded one, is read first so the form can offer it as the report's location.

A photo is a file a stranger chose, so what it may cost is decided from its header,
before a pixel is decoded: at most MAX_PIXELS, and at most DECODE_BUDGET bytes of
decoder memory by what its format really holds while decoding (a JPEG is decoded
at 1/2 to 1/8 scale by `draft`, but a progressive one keeps every DCT coefficient of
the full image; a PNG is decoded whole; WebP holds the frame several times over).
Decoding runs in an OS thread (`shrink_off_loop`), at most DECODERS at once, so the
gateway's event loop keeps answering other requests meanwhile.
"""
import io
import math
import warnings

from eventlet import tpool
from eventlet.semaphore import Semaphore
from PIL import Image, JpegImagePlugin, UnidentifiedImageError

from services.aspirasi import commands

MAX_BYTES = 200 * 1024
MAX_SIDE = 1600
MAX_PHOTOS = commands.MAX_PHOTOS  # the domain's one limit, on the form and the API alike
MAX_UPLOAD = 12 * 1024 * 1024  # per photo, as the phone sent it
MAX_PIXELS = 40_000_000  # a 40 MP camera's photo; far beyond what a report needs
DECODE_BUDGET = 96 * 2**20  # decoder memory for one photo
DECODERS = 2  # photos decoded at once in a gateway process: 2 budgets + its ~90 MiB fit in 512 Mi
FORMATS = ("JPEG", "PNG", "WEBP")  # the only decoders Image.open may try (JPEG opens MPO too)
GPS_IFD = 0x8825
ORIENTATION = 0x0112
REDUCING_GAP = 2.0  # reduce by whole factors down to twice the target, then resample

# Pillow itself raises DecompressionBombError above twice MAX_IMAGE_PIXELS: it refuses
# what we refuse even if our check below were skipped. Its warning between 20 and 40 MP
# says nothing our own check does not.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS // 2
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)

UNREADABLE = "Berkas ini bukan foto JPEG, PNG atau WebP yang dapat dibaca."
TOO_MANY_PIXELS = (f"Foto terlalu besar: paling besar {MAX_PIXELS // 1_000_000} megapiksel. "
                   "Perkecil fotonya lalu kirim lagi.")
TOO_COSTLY = ("Foto ini terlalu berat untuk diproses ({:.0f} megapiksel, {}). "
              "Kirim sebagai JPEG biasa atau perkecil ukurannya.")

_decoding = Semaphore(DECODERS)
# EXIF orientation -> the transpose that makes the photo upright (as ImageOps.exif_transpose)
UPRIGHT = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
           4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
           6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE, 8: Image.Transpose.ROTATE_90}


class PhotoRejected(ValueError):
    """Not an image we take; the message is for citizens."""


def _degrees(value, ref):
    d, m, s = (float(v) for v in value)
    result = d + m / 60 + s / 3600
    return -result if ref in ("S", "W") else result


def gps_location(exif):
    """(lat, long) from the photo's EXIF GPS fields, or None."""
    try:
        gps = exif.get_ifd(GPS_IFD)
        lat = _degrees(gps[2], gps.get(1, "N"))
        lon = _degrees(gps[4], gps.get(3, "E"))
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat, lon) == (0, 0):
        return None
    return round(lat, 6), round(lon, 6)


def _pixel_bytes(mode):
    """Bytes Pillow keeps per pixel in `mode` (multi-band images take four)."""
    return 1 if mode in ("1", "L", "P") else 2 if mode.startswith("I;16") else 4


def _first_scan_components(raw):
    """How many colour components a JPEG's first scan carries (None if its header is not
    the plain run of segments it should be): fewer than the image has means the file is
    decoded in several scans."""
    pos = 2  # after SOI
    while pos + 4 < len(raw) and raw[pos] == 0xFF:  # each step moves on: bounded by the length
        marker = raw[pos + 1]
        if marker == 0xFF:  # a fill byte
            pos += 1
        elif marker == 0xDA:  # SOS: length (2 bytes), then the number of components
            return raw[pos + 4]
        else:
            pos += 2 + int.from_bytes(raw[pos + 2:pos + 4], "big")
    return None


def decode_cost(image, raw):
    """Bytes of memory decoding `image` (opened from `raw`, after `draft`) takes, from its
    header alone."""
    width, height = image.size
    cost = width * height * _pixel_bytes(image.mode)
    if image.mode == "P":
        cost += width * height * 4  # converted to RGB before it is scaled
    if image.format == "WEBP":
        cost *= 4  # libwebp's frame, its copy to Python and Pillow's image (measured 16 B/px)
    if image.format in ("JPEG", "MPO") and (image.info.get("progressive")
                                            or (_first_scan_components(raw) or 0) < image.layers):
        # In several scans (progressive, or one component a scan), libjpeg keeps every
        # coefficient of the full image (2 bytes a sample) whatever scale it decodes at.
        scale = (image.decoderconfig or (1,))[0]
        samples = {0: 3, 1: 2, 2: 1.5}.get(JpegImagePlugin.get_sampling(image), image.layers)
        cost += width * scale * height * scale * 2 * (1 if image.layers == 1 else samples)
    return cost


def _target(size):
    """The size the photo is shown at: its longer side at most MAX_SIDE."""
    scale = max(size) / MAX_SIDE
    return size if scale <= 1 else tuple(max(1, math.ceil(side / scale)) for side in size)


def _opened(raw):
    """The photo opened (its header read, nothing decoded) and checked against the caps."""
    if len(raw) > MAX_UPLOAD:
        raise PhotoRejected(f"Foto terlalu besar (lebih dari {MAX_UPLOAD // 1024 // 1024} MB).")
    try:
        image = Image.open(io.BytesIO(raw), formats=FORMATS)
    except Image.DecompressionBombError:
        raise PhotoRejected(TOO_MANY_PIXELS) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise PhotoRejected(UNREADABLE) from None
    pixels = image.width * image.height
    if pixels > MAX_PIXELS:
        raise PhotoRejected(TOO_MANY_PIXELS)
    image.draft("RGB", _target(image.size))  # JPEG: decoded at 1/2 to 1/8, still at least the target
    if decode_cost(image, raw) > DECODE_BUDGET:
        raise PhotoRejected(TOO_COSTLY.format(pixels / 1e6, image.format))
    return image


def _upright_rgb(image):
    """The photo decoded, at most MAX_SIDE a side, upright, in RGB; and its GPS position."""
    exif = image.getexif()
    location, orientation = gps_location(exif), exif.get(ORIENTATION)
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")  # not scaled by palette
    image.thumbnail((MAX_SIDE, MAX_SIDE), reducing_gap=REDUCING_GAP)  # reduce() first: cheap
    image = image.convert("RGB")
    if orientation in UPRIGHT:
        image = image.transpose(UPRIGHT[orientation])
    return image, location


def shrink(raw):
    """(jpeg bytes <= MAX_BYTES without EXIF, (lat, long) or None) from an uploaded photo."""
    image = _opened(raw)
    try:
        image, location = _upright_rgb(image)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise PhotoRejected(UNREADABLE) from None
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


def shrink_off_loop(raw):
    """shrink(raw) in an OS thread of eventlet's pool, at most DECODERS at once in this
    process (the others wait, without blocking anything), so the event loop goes on
    serving other requests while a photo decodes."""
    with _decoding:
        return tpool.execute(shrink, raw)
