"""Photo shrinking: <= 200 KB JPEG, upright, EXIF gone, GPS offered."""
import io
import os

import pytest
from PIL import Image

from services.gateway.laksa.photos import MAX_BYTES, PhotoRejected, shrink
from tools.bench.photo_memory import LIMIT_MIB, costliest_accepted, decoded_in_a_fresh_process, saved


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


def test_a_decompression_bomb_is_refused_from_its_header_quickly_and_without_memory(tmp_path):
    [bomb] = saved(tmp_path, {"bom.png": (Image.new("L", (9999, 9999)), "PNG", {})})  # ~97 KB, 100 MP
    assert bomb.stat().st_size < 200 * 1024
    measured = decoded_in_a_fresh_process(bomb)
    [result] = measured["results"]
    assert result["refused"] == ("Foto terlalu besar: paling besar 40 megapiksel. "
                                 "Perkecil fotonya lalu kirim lagi.")
    assert result["seconds"] < 3
    assert measured["grew_mib"] < LIMIT_MIB, measured


def test_the_costliest_photos_still_taken_stay_within_memory_and_those_past_them_are_refused(tmp_path):
    just_under = costliest_accepted()  # each at the edge of what is taken (40 MP, or its decoding budget)
    paths = saved(tmp_path, just_under)
    measured = decoded_in_a_fresh_process(*paths)
    assert [r["refused"] for r in measured["results"]] == [None] * len(paths)
    assert measured["grew_mib"] < LIMIT_MIB, measured

    just_over = {  # under 40 MP, but decoded whole (PNG, WebP) or from every coefficient (progressive)
        "rgb-26mp.png": (Image.new("RGB", (5100, 5100), (200, 90, 10)), "PNG", {}),
        "progressive-17mp.jpg": (Image.new("RGB", (5000, 3400), (200, 90, 10)), "JPEG",
                                 {"progressive": True, "subsampling": 0}),
        "7mp.webp": (Image.new("RGB", (2600, 2600), (200, 90, 10)), "WEBP", {}),
        "palette-21mp.png": (Image.new("P", (4600, 4600)), "PNG", {}),
    }
    paths = saved(tmp_path, just_over)
    measured = decoded_in_a_fresh_process(*paths)
    for result in measured["results"]:
        assert result["refused"] and result["refused"].startswith("Foto ini terlalu berat untuk diproses")
    assert measured["grew_mib"] < 10, measured  # refused from the header: nothing decoded


def test_only_jpeg_png_and_webp_are_opened():
    for format in ("BMP", "TIFF", "GIF", "PPM"):  # Pillow reads them all; the form does not
        out = io.BytesIO()
        Image.new("RGB", (40, 30)).save(out, format)
        with pytest.raises(PhotoRejected, match="bukan foto JPEG, PNG atau WebP"):
            shrink(out.getvalue())


def test_a_photo_decoded_at_reduced_scale_is_still_upright_and_full_size():
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: turned a quarter
    out = io.BytesIO()
    Image.new("RGB", (6400, 4800), (200, 90, 10)).save(out, "JPEG", exif=exif)  # decoded at 1/4
    data, _ = shrink(out.getvalue())
    assert Image.open(io.BytesIO(data)).size == (1200, 1600)
