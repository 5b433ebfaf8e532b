"""Page pieces without a platform: the live view with a section down, form messages, formats."""
import pytest

from services.gateway.laksa.lapor_form import FORM_FIELDS, report_from
from services.gateway.live.model import LiveModel
from services.gateway.live.section import Section
from services.gateway.web.errors import field_texts
from services.gateway.web.templating import goto, persen, render, rupiah, tanggal, waktu
from services.servicekit.errors import Unavailable, ValidationFailed, problem
from services.servicekit.regions import get_region


class NewsDown(Section):
    name = "news"

    def rebuild(self, rpc, region_code):
        raise Unavailable("news did not answer within 0.5s; please retry")


class AspirasiUp(Section):
    name = "aspirasi"

    def rebuild(self, rpc, region_code):
        return {"received": 12, "resolved": 4, "resolved_on_time": 3, "share_resolved_on_time": 0.75}


def test_a_section_down_says_so_and_the_rest_of_beranda_renders():
    region = get_region("36.71")
    live = LiveModel([NewsDown(), AspirasiUp()]).document(region, rpc=None)
    page = render("beranda.html", region, live=live, active="beranda").get_data(as_text=True)
    news = page.split('id="bagian-news"')[1].split("</section>")[0]
    assert "Sedang tidak tersedia" in news and "Diperbarui" not in news
    aspirasi = page.split('id="bagian-aspirasi"')[1].split("</section>")[0]
    assert "Diperbarui" in aspirasi and "WIB" in aspirasi and "<strong>12</strong>" in aspirasi
    assert "<strong>75%</strong>" in aspirasi


def test_autoescaping_is_on():
    region = get_region("36.71")
    moment = "2026-01-02T03:04:05+00:00"
    live = {"sections": {"news": {"status": "ok", "fresh_at": moment, "headlines": [
        {"title": "<img src=x onerror=alert(1)>", "slug": "a", "published_at": moment}]}}}
    page = render("beranda.html", region, live=live, active="beranda").get_data(as_text=True)
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page


@pytest.mark.parametrize("problem_, shown, expected", [
    (problem("required", "is required"), "description", "Wajib diisi."),
    (problem("too_long", "is 4100 characters; at most 4000", max=4000), "description",
     "Terlalu panjang: paling banyak 4.000 karakter."),
    (problem("markup", "must be plain text without HTML tags"), "name",
     "Tulis sebagai teks biasa, tanpa tag HTML."),
    (problem("bad_phone", "is not a phone number"), "phone", "Tulis nomor telepon seperti 0812 3456 7890."),
    (problem("something_new", "went wrong"), "something_new", "Isian ini belum benar. Periksa kembali."),
])
def test_refusals_are_translated_by_code_beside_their_form_field(problem_, shown, expected):
    name = {"phone": "reporter.phone"}.get(shown, shown)
    refusal = ValidationFailed.of({name: problem_})
    assert field_texts(refusal, FORM_FIELDS) == {shown: expected}


def test_the_english_message_is_never_read():
    """The same code says the same thing whatever English the domain wrote."""
    one = ValidationFailed.of({"description": problem("required", "is required")})
    other = ValidationFailed.of({"description": problem("required", "fill it in (outside Indonesia)")})
    assert field_texts(one) == field_texts(other) == {"description": "Wajib diisi."}


def test_form_fields_become_the_api_report():
    form = {"category": "jalan-rusak", "description": " Lubang ", "lat": "-6.17", "long": "", "address": "",
            "name": "Ani", "phone": "0812", "email": "", "nik": "", "idempotency_key": "k"}
    assert report_from(form) == {"category": "jalan-rusak", "description": "Lubang", "anonymous": False,
                                 "show_name": False, "location": {"lat": "-6.17", "long": None},
                                 "reporter": {"name": "Ani", "phone": "0812"}}
    assert report_from({**form, "show_name": "1"})["show_name"] is True
    assert report_from({**form, "show_name": "1", "anonymous": "1"})["show_name"] is False
    anonymous = report_from({**form, "anonymous": "1", "address": "Jl. A"})
    assert anonymous["anonymous"] is True and "reporter" not in anonymous
    assert anonymous["location"]["address"] == "Jl. A"


def test_indonesian_formats():
    assert rupiah(1_234_567) == "Rp1.234.567" and rupiah(None) == "-"
    assert persen(3.85) == "3,9%" and persen(-8.33) == "8,3%" and persen(None) == ""
    assert tanggal("2026-11-27T21:35:00+00:00") == "28 November 2026"  # already the 28th in WIB
    assert waktu("2026-11-27T21:35:00+00:00", "Asia/Makassar") == "28 November 2026 05.35 WITA"


def test_a_redirect_names_its_target_in_indonesian_html_escaped():
    response = goto('/lacak/"><script>x</script>', status=303)
    body = response.get_data(as_text=True)
    assert response.status_code == 303 and response.headers["Location"] == '/lacak/"><script>x</script>'
    assert "<script>" not in body
    assert 'Halaman ini pindah ke <a href="/lacak/&#34;&gt;&lt;script&gt;x&lt;/script&gt;">' in body
