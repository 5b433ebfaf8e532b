"""Berita's citizen pages: the region's latest news by category, an article, and the
opt-out link of the notification e-mails (the news and price alerts citizens subscribe to)."""
from services.gateway.web.errors import CitizenError
from services.gateway.web.pages import page
from services.gateway.web.policies import everywhere, public
from services.gateway.web.templating import render
from services.servicekit.errors import NotFound, ValidationFailed
from services.servicekit.public_url import public_url
from services.servicekit.regions import get_region
from services.servicekit.rpc import RpcProxy, call

NEWS_PAGE = public(30, 60, everywhere("news"))
ARTICLE_PAGE = public(60, 300, everywhere("news"))


def feed_links(region, category):
    """The region's RSS and Atom feeds (and the category's), for <link rel="alternate">."""
    links = [(f"Berita {region.name} (RSS)", "application/rss+xml", f"/feeds/{region.code}/rss.xml"),
             (f"Berita {region.name} (Atom)", "application/atom+xml", f"/feeds/{region.code}/atom.xml")]
    if category:
        links.append((f"Berita {region.name}: {category} (RSS)", "application/rss+xml",
                      f"/feeds/{region.code}/{category}/rss.xml"))
    return links



class NewsPages:
    news = RpcProxy("news")
    notifications = RpcProxy("notifications")

    @page("GET", "/r/<string:code>/berita", query={"category": {"type": "string"},
                                                     "page": {"type": "integer"}}, cache=NEWS_PAGE)
    def berita_page(self, request, code):
        """Berita: the region's latest news, filtered by category."""
        region = get_region(code)
        categories = call(self.news.categories)
        category = request.args.get("category") or None
        if category is not None and category not in {c["code"] for c in categories}:
            raise CitizenError("Kategori berita itu tidak ada. Pilih kategori dari daftar.")
        try:
            page_no = max(1, min(int(request.args.get("page") or 1), 10_000))
        except ValueError:
            page_no = 1
        news = call(self.news.list_articles, region.code, category=category, limit=10, page=page_no)
        return render("berita.html", region, news=news, categories=categories, category=category,
                      feeds=feed_links(region, category),
                      active="berita")

    @page("GET", "/berhenti/<string:token>")
    def opt_out_page(self, request, token):
        """Opt-out link of a notification e-mail: asks to confirm (a GET changes nothing)."""
        return render("berhenti.html", token=token, done=False)

    @page("POST", "/berhenti/<string:token>", form={"type": "object"})
    def opt_out_submit(self, request, token):
        """Confirmed opt-out: that address gets no more notifications."""
        try:
            call(self.notifications.opt_out, token)
        except ValidationFailed:
            raise CitizenError("Tautan berhenti berlangganan ini tidak valid. Gunakan tautan dari "
                               "e-mail Anda.") from None
        return render("berhenti.html", token=token, done=True)

    @page("GET", "/berita/<string:code>/<string:slug>", cache=ARTICLE_PAGE)
    def artikel_page(self, request, code, slug):
        """A news article; its body was sanitized by the news service (nh3)."""
        region = get_region(code)
        try:
            article = call(self.news.get_article, region.code, slug)
        except NotFound:
            raise CitizenError("Berita itu tidak ditemukan atau sudah ditarik.") from None
        share = {"type": "article", "title": article["title"],
                 "description": article.get("summary") or article["title"],
                 "url": public_url(region, f"/berita/{region.code}/{slug}"),
                 "image": article.get("cover_image_url")}
        return render("artikel.html", region, article=article, share=share, feeds=feed_links(region, None),
                      active="berita")
