"""The console's news section: the newsroom (drafts, in review, scheduled, published,
retracted), the editor (title, category, summary, a body in the allowed markup with a
preview of what the sanitizer keeps, a publication time), publish, correct, archive,
retract; and the external feeds the region ingests. The region's editors only."""
from datetime import datetime
from zoneinfo import ZoneInfo

from services.gateway.access.console import back, console, console_page
from services.gateway.web.errors import notice_text
from services.gateway.web.http import read_form
from services.gateway.web.templating import waktu
from services.servicekit.contracts.news import BODY_TAGS, CATEGORIES, STATE_LABELS
from services.servicekit.errors import Conflict, NotFound, ValidationFailed
from services.servicekit.regions import get_region
from services.servicekit.rpc import RpcProxy

ROLES = ("editor",)
HOME = "/petugas/berita"
ARTICLE_FIELDS = ("judul", "kategori", "ringkasan", "isi", "tag", "jadwal", "catatan_koreksi")
ARTICLE_LENGTHS = {"judul": 200, "kategori": 40, "ringkasan": 500, "isi": 60_000, "tag": 500, "jadwal": 40,
                   "catatan_koreksi": 500}
CSRF = {"type": "string", "maxLength": 100}
VERSION = {"type": "integer", "minimum": 1}
ARTICLE_FORM = {"type": "object", "properties": {
    **{name: {"type": "string", "maxLength": size} for name, size in ARTICLE_LENGTHS.items()},
    "versi": VERSION, "aksi": {"enum": ["pratinjau", "simpan"]}, "csrf": CSRF}}
ACTION_FORM = {"type": "object", "properties": {"versi": VERSION, "csrf": CSRF}}
SOURCE_FORM = {"type": "object", "properties": {
    "url": {"type": "string", "maxLength": 500}, "nama": {"type": "string", "maxLength": 120},
    "kategori": {"type": "string", "maxLength": 40},
    "interval": {"type": "integer", "minimum": 1, "maximum": 1440}, "csrf": CSRF}}
LIST_QUERY = {"status": {"enum": list(STATE_LABELS)}, "halaman": {"type": "integer"}}
# The editor's buttons -> the workflow's actions, in order (publishing a draft submits it first).
ACTIONS = {"ajukan": ("submit",), "terbitkan": ("submit", "publish"), "setujui": ("publish",),
           "arsipkan": ("archive",), "tarik": ("retract",)}
ACTION_DONE = {"ajukan": "diajukan untuk ditinjau", "terbitkan": "diterbitkan", "setujui": "diterbitkan",
               "arsipkan": "diarsipkan", "tarik": "ditarik"}
# What the editor reads for a refused field (the service's messages are English).
# The editor form's field (and its label) that shows a refusal of an article's field.
FORM_FIELDS = {"title": ("judul", "Judul"), "category": ("kategori", "Kategori"),
               "summary": ("ringkasan", "Ringkasan"), "body": ("isi", "Isi berita"),
               "tags": ("tag", "Tag"), "publish_at": ("jadwal", "Jadwal terbit"),
               "slug": ("judul", "Alamat berita (dari judul)")}


def article_from(form, zone):
    """The news service's article fields from the editor's form."""
    data = {"title": form.get("judul", "").strip(), "category": form.get("kategori", ""),
            "summary": form.get("ringkasan", "").strip() or None, "body": form.get("isi", ""),
            "tags": [t.strip() for t in form.get("tag", "").split(",") if t.strip()]}
    when = form.get("jadwal", "").strip()
    data["publish_at"] = None
    if when:
        try:
            data["publish_at"] = datetime.fromisoformat(when).replace(tzinfo=ZoneInfo(zone)).isoformat()
        except ValueError:
            raise ValidationFailed.field("publish_at", "not a date-time", code="bad_format") from None
    if form.get("catatan_koreksi", "").strip():
        data["correction_note"] = form["catatan_koreksi"].strip()
    return data


def form_values(article, zone):
    """The editor's form filled from a stored article."""
    publish_at = article.get("publish_at")
    when = datetime.fromisoformat(str(publish_at)).astimezone(ZoneInfo(zone)) if publish_at else None
    return {"judul": article["title"], "kategori": article["category"], "ringkasan": article["summary"],
            "isi": article["body"], "tag": ", ".join(article["tags"]),
            "jadwal": when.strftime("%Y-%m-%dT%H:%M") if when else ""}


def refusal(error):
    """(form field, Indonesian message) for a refused save."""
    if isinstance(error, Conflict) and error.details.get("field") == "version":
        return None, "Berita ini baru saja diubah orang lain. Muat ulang halaman, lalu ulangi perubahan Anda."
    if isinstance(error, Conflict):
        return None, "Perubahan ini tidak dapat dilakukan pada berita dalam status ini."
    field = (error.details.get("field") or "").split(".")[0]
    return FORM_FIELDS.get(field, (None,))[0], notice_text(error, "berita", {
        name: label for name, (_, label) in FORM_FIELDS.items()})


class NewsConsole:
    news = RpcProxy("news")

    @console("GET", HOME, ROLES, query=LIST_QUERY)
    def console_news_newsroom(self, request, officer):
        """The region's articles in every state, newest change first, filtered by state."""
        status = request.args.get("status") or None
        page = request.args.get("halaman", 1, type=int) or 1
        found = officer.call(self.news.newsroom, officer.region, status=status, limit=20, page=page)
        return console_page("console/berita.html", officer, active="berita", found=found, wanted=status,
                            states=STATE_LABELS)

    @console("GET", HOME + "/tulis", ROLES)
    def console_news_new(self, request, officer):
        """An empty editor for a new article."""
        return self._editor(officer, None, {})

    @console("POST", HOME + "/tulis", ROLES, form=ARTICLE_FORM)
    def console_news_create(self, request, officer):
        """Preview the body, or save the article as a draft."""
        form = read_form(request)
        if form.get("aksi") == "pratinjau":
            return self._editor(officer, None, form, preview=True)
        try:
            data = article_from(form, get_region(officer.region).timezone)
            article = officer.call(self.news.create, officer.region, data)
        except (ValidationFailed, Conflict) as error:
            return self._editor(officer, None, form, error=error)
        return back(f"{HOME}/artikel/{article['slug']}", "Draf tersimpan.")

    @console("GET", HOME + "/artikel/<string:slug>", ROLES)
    def console_news_article(self, request, officer, slug):
        """An article in the editor, with the workflow actions its state allows."""
        article = officer.call(self.news.get_for_editor, officer.region, slug)
        return self._editor(officer, article, form_values(article, get_region(officer.region).timezone))

    @console("POST", HOME + "/artikel/<string:slug>", ROLES, form=ARTICLE_FORM)
    def console_news_update(self, request, officer, slug):
        """Preview, or save the changes (a correction, once published) at the version shown."""
        article = officer.call(self.news.get_for_editor, officer.region, slug)
        form = read_form(request)
        if form.get("aksi") == "pratinjau":
            return self._editor(officer, article, form, preview=True)
        try:
            data = article_from(form, get_region(officer.region).timezone)
            saved = officer.call(self.news.update, officer.region, slug, data,
                                 expected_version=form.get("versi"))
        except (ValidationFailed, Conflict) as error:
            return self._editor(officer, article, form, error=error)
        done = "Koreksi diterbitkan." if saved["status"] == "published" else "Perubahan tersimpan."
        return back(f"{HOME}/artikel/{slug}", done)

    @console("POST", HOME + "/artikel/<string:slug>/<string:action>", ROLES, form=ACTION_FORM)
    def console_news_transition(self, request, officer, slug, action):
        """Submit, publish (or schedule, when a future time is set), archive or retract."""
        if action not in ACTIONS:
            raise NotFound(f"no action {action!r}", {"field": "action"})
        version = read_form(request).get("versi")
        try:
            for step in ACTIONS[action]:
                article = officer.call(self.news.transition, officer.region, slug, step,
                                       expected_version=version)
                version = article["version"]
        except (Conflict, ValidationFailed) as error:
            return back(f"{HOME}/artikel/{slug}", error=refusal(error)[1])
        zone = get_region(officer.region).timezone
        done = (f"dijadwalkan terbit {waktu(article['publish_at'], zone)}"
                if article["status"] == "scheduled" else ACTION_DONE[action])
        return back(f"{HOME}/artikel/{slug}", f"Berita {done}.")

    def _editor(self, officer, article, values, preview=False, error=None):
        preview_html = None
        if preview:
            preview_html = officer.call(self.news.preview, officer.region, values.get("isi", ""))["body"]
        field, message = refusal(error) if error else (None, None)
        return console_page("console/berita_editor.html", officer, 400 if error else 200, active="berita",
                            article=article, values=values, preview=preview_html, categories=CATEGORIES,
                            allowed_tags=sorted(BODY_TAGS), error_field=field, problem=message,
                            states=STATE_LABELS)

    # external feeds -----------------------------------------------------
    @console("GET", HOME + "/sumber", ROLES)
    def console_news_sources(self, request, officer):
        """The external feeds the region ingests, with their last error."""
        sources = officer.call(self.news.feed_sources, officer.region)
        return console_page("console/berita_sumber.html", officer, active="berita", sources=sources,
                            categories=CATEGORIES)

    @console("POST", HOME + "/sumber", ROLES, form=SOURCE_FORM)
    def console_news_add_source(self, request, officer):
        """Ingest an external RSS/Atom feed on a schedule."""
        form = read_form(request)
        try:
            interval = form.get("interval") or 15
            officer.call(self.news.add_feed_source, officer.region, form.get("url", "").strip(),
                         form.get("nama", ""), category=form.get("kategori") or "pengumuman",
                         interval_minutes=interval)
        except (ValueError, ValidationFailed):
            return back(HOME + "/sumber", error="Sumber belum ditambahkan: isi alamat http(s) umpan RSS "
                                                "atau Atom, namanya, dan selang ambil 1 sampai 1440 menit.")
        return back(HOME + "/sumber", "Sumber berita ditambahkan; diambil dalam beberapa saat.")

    @console("POST", HOME + "/sumber/hapus", ROLES, form=SOURCE_FORM)
    def console_news_remove_source(self, request, officer):
        """Stop ingesting a feed (what it brought in stays)."""
        try:
            officer.call(self.news.remove_feed_source, officer.region, read_form(request).get("url", ""))
        except NotFound:
            return back(HOME + "/sumber", error="Sumber itu sudah tidak ada.")
        return back(HOME + "/sumber", "Sumber berita dihapus; berita yang sudah masuk tetap ada.")
