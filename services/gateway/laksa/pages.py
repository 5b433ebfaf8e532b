"""LAKSA's citizen pages: lapor (the report form, with up to MAX_PHOTOS photos), lacak
(look a ticket up) and a ticket's page, and the report photos themselves.

A refused report shows the form again, each refusal's Indonesian text (by its code,
web/errors.field_texts) beside the form field that caused it.
"""
import secrets
from urllib.parse import quote

from nameko.timer import timer
from werkzeug.wrappers import Response

from services.gateway.access import sessions
from services.gateway.access.ratelimit import RateLimits
from services.gateway.laksa.lapor_form import FORM_FIELDS, LAPOR_FORM, LAPOR_MAX_BODY, report_from
from services.gateway.laksa.media import MediaRepository, local_photos
from services.gateway.laksa.photos import MAX_PHOTOS, MAX_UPLOAD, PhotoRejected, shrink_off_loop
from services.gateway.web.errors import CitizenError, PayloadTooLarge, field_texts
from services.gateway.web.http import read_form
from services.gateway.web.messages import gate_problems, message
from services.gateway.web.pages import page
from services.gateway.web.policies import IMMUTABLE
from services.gateway.web.templating import HEADERS, goto, render
from services.servicekit.errors import NotFound, ValidationFailed
from services.servicekit.public_url import public_url
from services.servicekit.regions import get_region
from services.servicekit.rpc import RpcProxy, call
from services.servicekit.store import MongoStore

PHOTO_PURGE_SECONDS = 600  # photos of forms never sent go within PENDING_SECONDS + this
# The tracking secret rides from the submission to the ticket page once, in a
# short-lived cookie scoped to that page (never in a URL, never in a log).
SECRET_COOKIE = "tl_rahasia"
SECRET_COOKIE_AGE = 600


class LaksaPages:
    media = MongoStore(MediaRepository)
    aspirasi = RpcProxy("aspirasi")
    limits = RateLimits()

    @page("GET", "/r/<string:code>/lapor")
    def lapor_page(self, request, code):
        """Lapor: the form to submit an aspirasi."""
        region = get_region(code)
        return self._lapor(region, {"idempotency_key": secrets.token_urlsafe(18)})

    def _lapor_refused(self, request, refusal, code):
        """The lapor form again, with what the gate refused named beside its field."""
        return self._lapor(get_region(code), refusal.values, gate_problems(refusal), 400)

    @page("POST", "/r/<string:code>/lapor", form=LAPOR_FORM, statuses=(303, 413, 429),
          invalid=_lapor_refused)
    def lapor_submit(self, request, code):
        """Submit the lapor form (with up to 3 photos); every mistake is shown at once;
        on success go to the ticket's lacak page with its confirmation."""
        region = get_region(code)
        self.limits.hit("aspirasi_submit", request)
        if (request.content_length or 0) > LAPOR_MAX_BODY:
            raise PayloadTooLarge(f"body is over {LAPOR_MAX_BODY} bytes")
        values = read_form(request)
        errors = {}
        photo_ids, gps = self._photos_from(request, values.get("foto") or [], errors)
        values["foto"] = photo_ids
        if gps and not (values.get("lat") or values.get("long")) and values.get("use_photo_location"):
            values.update(lat=str(gps[0]), long=str(gps[1]), from_photo="1")
        report = report_from(values)
        report["photos"] = [public_url(region, f"/media/{i}.jpg") for i in photo_ids]
        try:
            ticket = self._submit(region, report, photo_ids, values, checked_only=bool(errors))
        except ValidationFailed as exc:
            errors = {**field_texts(exc, FORM_FIELDS), **errors}
        if errors:
            return self._lapor(region, values, errors, 400)
        response = goto(f"/lacak/{ticket['number']}?baru=1")
        if ticket.get("tracking_secret"):
            response.set_cookie(SECRET_COOKIE, ticket["tracking_secret"], max_age=SECRET_COOKIE_AGE,
                                path=f"/lacak/{ticket['number']}", secure=sessions.is_https(request),
                                httponly=True, samesite="Strict")
        return response

    def _submit(self, region, report, photo_ids, values, checked_only):
        """The ticket, its photos attached; with a refused photo (`checked_only`) the rest of
        the report is still checked, without submitting."""
        if checked_only:
            call(self.aspirasi.check_submission, region.code, report)
            return None
        key = (values.get("idempotency_key") or "").strip() or None
        ticket = call(self.aspirasi.submit, region.code, report, idempotency_key=key)
        self.media.attach([i for i in photo_ids if f"/media/{i}.jpg" in str(ticket.get("photos"))],
                          ticket["number"])
        return ticket

    def _photos_from(self, request, kept, errors):
        """Stored photo ids (`kept` from an earlier attempt, then new uploads, shrunk) and the
        first GPS position found in them."""
        kept = [i for i in kept if self.media.exists(i)]
        uploads = [f for f in request.files.getlist("photos") if f and f.filename]
        if len(kept) + len(uploads) > MAX_PHOTOS:
            errors["photos"] = message({"code": "too_many_photos", "max": MAX_PHOTOS})
            uploads = uploads[:max(0, MAX_PHOTOS - len(kept))]
        ids, gps = list(kept), None
        for upload in uploads:
            try:
                data, location = shrink_off_loop(upload.read(MAX_UPLOAD + 1))
            except PhotoRejected as exc:
                errors["photos"] = f"{upload.filename}: {exc}"
                continue
            ids.append(self.media.put(data))
            gps = gps or location
        return ids[:MAX_PHOTOS], gps

    @timer(interval=PHOTO_PURGE_SECONDS)
    def purge_unsent_photos(self):
        """Delete the photos of forms never sent (uploads purge too; this covers quiet hours)."""
        self.media.purge()

    @page("GET", "/media/<string:photo_id>.jpg", statuses=(304,), response_type="image/jpeg",
          cache=IMMUTABLE)
    def media_photo(self, request, photo_id):
        """A report photo; its bytes never change, so caches keep it for a year."""
        found = self.media.get(photo_id)
        if found is None:
            raise CitizenError("Foto itu tidak ada.")
        data, content_type, digest = found
        headers = {"Cache-Control": "public, max-age=31536000, immutable", "ETag": f'"{digest}"'}
        if request.if_none_match.contains(digest):
            return Response(status=304, headers=headers)
        return Response(data, mimetype=content_type, headers={**HEADERS, **headers})

    def _lapor(self, region, values, errors=None, status=200):
        categories = call(self.aspirasi.categories, region.code)
        return render("lapor.html", region, status, values=values, errors=errors or {},
                      categories=sorted(categories, key=lambda c: c["name"]), active="lapor",
                      max_photos=MAX_PHOTOS)

    @page("GET", "/r/<string:code>/lacak", query={"number": {"type": "string"}}, statuses=(303,))
    def lacak_page(self, request, code):
        """Lacak: look up a ticket by its number."""
        region = get_region(code)
        number = (request.args.get("number") or "").strip().upper()
        if number:
            return goto(f"/lacak/{quote(number, safe='')}")
        return render("lacak.html", region, active="lacak")

    @page("GET", "/lacak/<string:number>", query={"baru": {"type": "string"}})
    def ticket_page(self, request, number):
        """A ticket's status, history and OPD notes (never the reporter's contact; the name
        only if they chose so). Right after a web submission it shows the tracking secret once."""
        try:
            ticket = call(self.aspirasi.get_ticket, number)
        except NotFound:
            raise CitizenError(f"Tiket {number} tidak ditemukan. Periksa kembali nomornya.") from None
        region = get_region(ticket["region"])
        names = {c["code"]: c["name"] for c in call(self.aspirasi.categories, region.code)}
        category = names.get(ticket["category"])
        share = {"type": "article", "title": f"Laporan {ticket['number']}: {category or ticket['category']}",
                 "description": ticket["description"][:200], "url": public_url(region, f"/lacak/{number}"),
                 "image": (ticket.get("photos") or [None])[0]}
        secret = request.cookies.get(SECRET_COOKIE)
        ticket = {**ticket, "photos": local_photos(ticket.get("photos"))}
        response = render("tiket.html", region, ticket=ticket, category=category, share=share,
                          tracking_secret=secret, just_sent=request.args.get("baru") == "1", active="lacak")
        if secret:
            response.headers["Cache-Control"] = "no-store"
            response.delete_cookie(SECRET_COOKIE, path=f"/lacak/{ticket['number']}")
        return response
