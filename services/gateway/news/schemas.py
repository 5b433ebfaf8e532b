"""Berita's request schemas (the news service's own commands and queries) and its answers'
shapes; web/schemas.py holds the shared ones."""
from services.gateway.web.schemas import (
    ARRAY,
    BOOL,
    INT,
    S,
    items_of,
    nullable,
    record,
)
from services.news import commands

# The commands' schemas are the domain's (one schema per command, checked again there).
NEWS_CATEGORY = commands.NEWS_CATEGORY
ARTICLE = commands.ARTICLE
NEW_ARTICLE = commands.NEW_ARTICLE
NEWS_QUERY = commands.NEWS_QUERY
NEWSROOM_QUERY = commands.NEWSROOM_QUERY
NEWS_SUBSCRIPTIONS = commands.NEWS_SUBSCRIPTIONS
FEED_SOURCE = commands.FEED_SOURCE
ARTICLE_VIEW = record({"id": S, "region": S, "slug": S, "title": S, "summary": S, "body": S,
                       "category": S, "tags": ARRAY, "author": S, "origin": S, "canonical_url": S},
                      {"published_at": nullable(S), "cover_image_url": nullable(S)})
EDITOR_ARTICLE = record({**ARTICLE_VIEW["properties"], "status": S, "version": INT, "history": ARRAY})
ARTICLE_PAGE = items_of(ARTICLE_VIEW, limit=INT, has_more=BOOL)
NEWSROOM_PAGE = items_of(EDITOR_ARTICLE, limit=INT, page=INT)
FEED_SOURCE_VIEW = record({"url": S, "name": S, "category": S, "interval_minutes": INT, "failures": INT},
                          {"last_error": nullable(S)})
NEWS_CATEGORIES = items_of(record({"code": S, "name": S}))
CODE = "$request.path.code"
ARTICLE_LINKS = {op: {"code": CODE, "slug": "$response.body#/slug"}
                 for op in ("newsroom_article", "update_news")}
