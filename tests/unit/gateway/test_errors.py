"""The one error mapper (web/errors.py): the same refusal as JSON, as a citizen's page and
as an officer's notice; refused fields translated by code, never by their English."""
import json

from werkzeug.exceptions import BadRequest

from services.gateway.web.errors import (
    CitizenError,
    MethodNotAllowed,
    error_of,
    field_texts,
    headers_of,
    notice_text,
    page_text,
)
from services.gateway.web.http import ApiEntrypoint
from services.gateway.web.pages import PageEntrypoint
from services.servicekit.errors import Conflict, Forbidden, NotFound, RateLimited, ValidationFailed, problem

REFUSAL = ValidationFailed.of({"note": problem("too_long", "is 2100 characters; at most 2000", max=2000),
                               "opd": problem("required", "is required")})


def _entrypoint(cls):
    entrypoint = cls.__new__(cls)  # no container: only the mapping is exercised
    entrypoint.method_name = "probe"
    return entrypoint


def test_json_keeps_the_kit_shape_with_every_field_and_its_code():
    response = _entrypoint(ApiEntrypoint).response_from_exception(REFUSAL)
    body = json.loads(response.get_data())
    assert response.status_code == 400
    assert body["error"]["code"] == "validation_failed"
    assert body["error"]["details"]["fields"] == {
        "note": {"code": "too_long", "message": "is 2100 characters; at most 2000", "max": 2000},
        "opd": {"code": "required", "message": "is required"}}


def test_json_of_werkzeug_and_unexpected_errors():
    bad = _entrypoint(ApiEntrypoint).response_from_exception(BadRequest("no"))
    assert bad.status_code == 400 and json.loads(bad.get_data())["error"] == {
        "code": "bad_request", "message": "no", "details": {}}
    boom = _entrypoint(ApiEntrypoint).response_from_exception(ZeroDivisionError("secret detail"))
    assert boom.status_code == 500 and json.loads(boom.get_data())["error"] == {
        "code": "internal_error", "message": "something went wrong on our side", "details": {}}


def test_pages_answer_the_same_errors_as_indonesian_pages():
    page = _entrypoint(PageEntrypoint)
    limited = page.response_from_exception(RateLimited("slow down", {"retry_after": 42}))
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "42"
    assert "Coba lagi dalam 42 detik." in limited.get_data(as_text=True)
    missing = page.response_from_exception(CitizenError("Tiket X tidak ditemukan."))
    assert missing.status_code == 404 and "Tiket X tidak ditemukan." in missing.get_data(as_text=True)
    region = page.response_from_exception(NotFound("no region 99.99", {"field": "region"}))
    assert "Kode wilayah itu tidak dikenal." in region.get_data(as_text=True)
    boom = page.response_from_exception(ZeroDivisionError("secret detail"))
    assert boom.status_code == 500 and "secret detail" not in boom.get_data(as_text=True)


def test_headers_and_page_texts():
    assert headers_of(MethodNotAllowed("no", {"allowed": ["GET", "HEAD"]})) == {"Allow": "GET, HEAD"}
    assert page_text(Conflict("taken")) is None
    assert error_of(Forbidden("no"), "probe").status == 403


def test_field_texts_by_code_each_beside_its_form_field():
    assert field_texts(REFUSAL, {"note": "catatan"}) == {
        "catatan": "Terlalu panjang: paling banyak 2.000 karakter.", "opd": "Wajib diisi."}


def test_an_officer_reads_one_line_for_a_refused_action():
    assert notice_text(REFUSAL, "tiket", {"note": "Catatan", "opd": "OPD tujuan"}) == (
        "Catatan: Terlalu panjang: paling banyak 2.000 karakter. OPD tujuan: Wajib diisi.")
    assert notice_text(Conflict("stale", {"field": "version"}), "tiket").startswith(
        "Tiket ini baru saja diubah oleh petugas lain, jadi perubahan Anda tidak disimpan.")
    assert notice_text(Conflict("state", {"status": "resolved"}), "tiket") == (
        "Aksi itu tidak dapat dilakukan: tiket sekarang berstatus \u201cSelesai\u201d. Muat ulang halaman.")
    assert notice_text(Forbidden("not yours"), "tiket") == (
        "Anda tidak berwenang melakukan aksi itu pada tiket ini.")
