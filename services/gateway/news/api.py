"""News routes: reading, the editors' workflow, syndication settings and RSS/Atom feeds."""
from werkzeug.wrappers import Response

from services.gateway.access.auth import signed_caller
from services.gateway.news import schemas
from services.gateway.web import schemas as common
from services.gateway.web.http import api, json_response, read_json
from services.gateway.web.policies import CATALOGUE, DETAIL, FEED, LIST
from services.servicekit.described import described
from services.servicekit.errors import ValidationFailed
from services.servicekit.regions import get_region
from services.servicekit.rpc import RpcProxy, call


def editor(request, code):
    """The signed caller for the news service, which decides whether they edit `code`'s news."""
    get_region(code)
    return signed_caller(request)


def expected_version(request):
    """`If-Match: <version>` makes an edit fail with 409 if someone saved in between."""
    value = request.headers.get("If-Match")
    if value is None:
        return None
    try:
        return int(value.strip('"'))
    except ValueError:
        raise ValidationFailed.field("If-Match", "give the article's version number",
                                     code="not_integer") from None


class NewsApi:
    news = RpcProxy("news")

    # readers ------------------------------------------------------------
    @api("GET", "/api/v1/news-categories", cache=CATALOGUE)
    @described(response=schemas.NEWS_CATEGORIES)
    def news_categories(self, request):
        """The categories every region files its news under."""
        return json_response({"items": call(self.news.categories)})

    @api("GET", "/api/v1/regions/<string:code>/news", cache=LIST)
    @described(query=schemas.NEWS_QUERY, response=schemas.ARTICLE_PAGE)
    def list_news(self, request, code):
        """Latest news of a region (its own and syndicated), filtered, searched and paged."""
        get_region(code)
        args = request.args
        return json_response(call(
            self.news.list_articles, code, category=args.get("category") or None,
            tag=args.get("tag") or None, q=args.get("q") or None, limit=args.get("limit", 20),
            page=args.get("page"), cursor=args.get("cursor") or None))

    @api("GET", "/api/v1/regions/<string:code>/news/<string:slug>", cache=DETAIL)
    @described(response=schemas.ARTICLE_VIEW)
    def get_news(self, request, code, slug):
        """One published article by its slug."""
        get_region(code)
        return json_response(call(self.news.get_article, code, slug))

    # editors ------------------------------------------------------------
    @api("POST", "/api/v1/regions/<string:code>/news")
    @described(body=schemas.NEW_ARTICLE, statuses=(201, 401, 403, 409), response=schemas.EDITOR_ARTICLE,
               links=schemas.ARTICLE_LINKS)
    def create_news(self, request, code):
        """Write a draft (editors of the region)."""
        article = call(self.news.create, code, read_json(request), caller=editor(request, code))
        return json_response(article, 201, {
            "Location": f"/api/v1/regions/{code}/newsroom/{article['slug']}"})

    @api("PATCH", "/api/v1/regions/<string:code>/news/<string:slug>")
    @described(body=schemas.ARTICLE, statuses=(401, 403, 409), response=schemas.EDITOR_ARTICLE)
    def update_news(self, request, code, slug):
        """Edit an article; after publication this is a correction (published date kept)."""
        return json_response(call(self.news.update, code, slug, read_json(request),
                                  caller=editor(request, code),
                                  expected_version=expected_version(request)))

    @api("POST", "/api/v1/regions/<string:code>/news/<string:slug>/<string:action>")
    @described(body=common.NO_BODY, statuses=(401, 403, 409), response=schemas.EDITOR_ARTICLE)
    def news_transition(self, request, code, slug, action):
        """submit, publish (or schedule, when publish_at is ahead), archive or retract."""
        return json_response(call(self.news.transition, code, slug, action,
                                  caller=editor(request, code),
                                  expected_version=expected_version(request)))

    @api("GET", "/api/v1/regions/<string:code>/newsroom")
    @described(query=schemas.NEWSROOM_QUERY, statuses=(401, 403), response=schemas.NEWSROOM_PAGE)
    def newsroom(self, request, code):
        """Every article of the region in any state, for its editors."""
        args = request.args
        return json_response(call(self.news.newsroom, code, status=args.get("status") or None,
                                  limit=args.get("limit", 20), page=args.get("page", 1),
                                  caller=editor(request, code)))

    @api("GET", "/api/v1/regions/<string:code>/newsroom/<string:slug>")
    @described(statuses=(401, 403), response=schemas.EDITOR_ARTICLE)
    def newsroom_article(self, request, code, slug):
        """An article in any state, with its version and history, for its editors."""
        return json_response(call(self.news.get_for_editor, code, slug, caller=editor(request, code)))

    # syndication and ingestion ------------------------------------------
    @api("GET", "/api/v1/regions/<string:code>/news-subscriptions", cache=DETAIL)
    @described(response=common.REGION_SOURCES)
    def news_subscriptions(self, request, code):
        """The regions whose news this region carries."""
        get_region(code)
        return json_response(call(self.news.subscriptions, code))

    @api("PUT", "/api/v1/regions/<string:code>/news-subscriptions")
    @described(body=schemas.NEWS_SUBSCRIPTIONS, statuses=(401, 403), response=common.REGION_SOURCES)
    def set_news_subscriptions(self, request, code):
        """Choose the regions whose news this region carries (editors of the region)."""
        return json_response(call(self.news.set_subscriptions, code, read_json(request).get("sources"),
                                  caller=editor(request, code)))

    @api("GET", "/api/v1/regions/<string:code>/news-sources")
    @described(statuses=(401, 403), response=common.items_of(schemas.FEED_SOURCE_VIEW))
    def news_sources(self, request, code):
        """External RSS/Atom feeds this region ingests, with their last error."""
        return json_response({"items": call(self.news.feed_sources, code, caller=editor(request, code))})

    @api("POST", "/api/v1/regions/<string:code>/news-sources")
    @described(body=schemas.FEED_SOURCE, statuses=(201, 401, 403), response=schemas.FEED_SOURCE_VIEW)
    def add_news_source(self, request, code):
        """Ingest an external RSS/Atom feed on a schedule (editors of the region)."""
        caller = editor(request, code)
        body = read_json(request)
        source = call(self.news.add_feed_source, code, body.get("url"), body.get("name"),
                      category=body.get("category", "pengumuman"),
                      interval_minutes=body.get("interval_minutes", 15), caller=caller)
        return json_response(source, 201)

    # feeds --------------------------------------------------------------
    @api("GET", "/feeds/<string:code>/rss.xml", cache=FEED)
    @described(response_type="application/rss+xml", responses={304: None})
    def rss_feed(self, request, code):
        """The region's news as RSS 2.0 (ETag / Last-Modified: 304 when unchanged)."""
        return self._feed(request, code, "rss")

    @api("GET", "/feeds/<string:code>/atom.xml", cache=FEED)
    @described(response_type="application/atom+xml", responses={304: None})
    def atom_feed(self, request, code):
        """The region's news as Atom (ETag / Last-Modified: 304 when unchanged)."""
        return self._feed(request, code, "atom")

    @api("GET", "/feeds/<string:code>/<string:category>/rss.xml", cache=FEED)
    @described(response_type="application/rss+xml", responses={304: None})
    def category_rss_feed(self, request, code, category):
        """One category of the region's news as RSS 2.0."""
        return self._feed(request, code, "rss", category)

    @api("GET", "/feeds/<string:code>/<string:category>/atom.xml", cache=FEED)
    @described(response_type="application/atom+xml", responses={304: None})
    def category_atom_feed(self, request, code, category):
        """One category of the region's news as Atom."""
        return self._feed(request, code, "atom", category)

    def _feed(self, request, code, kind, category=None):
        get_region(code)
        feed = call(self.news.feed, code, kind, category=category)
        response = Response(feed["body"], content_type=feed["content_type"])
        response.set_etag(feed["etag"])
        response.last_modified = feed["last_modified"]
        return response
