"""Which module a path belongs to, so a module a region's profile (or this deployment's
DEPLOYED_MODULES) leaves out answers 404 everywhere at once: its pages (an Indonesian 404
page), its JSON API, its feeds. One table of path parts, checked before any route runs
(web/http.ApiEntrypoint); the menu and the sections read `region_profile.shows` too."""
import re

from services.servicekit.errors import DomainError, NotFound
from services.servicekit.region_profile import shows
from services.servicekit.regions import get_region

# (path pattern naming the region and the part, {part: module})
PATHS = (
    (re.compile(r"^/r/(?P<code>[0-9]{2}\.[0-9]{2})/(?P<part>[a-z0-9-]+)"),
     {"lapor": "aspirasi", "lacak": "aspirasi", "harga": "prices", "loker": "pencaker", "ak1": "pencaker",
      "berita": "news"}),
    (re.compile(r"^/api/v1/regions/(?P<code>[0-9]{2}\.[0-9]{2})/(?P<part>[a-z0-9-]+)"),
     {"aspirasi": "aspirasi", "prices": "prices", "vacancies": "pencaker", "vacancy-sources": "pencaker",
      "news": "news", "news-sources": "news", "news-subscriptions": "news", "newsroom": "news"}),
    (re.compile(r"^/(?P<part>feeds|berita)/(?P<code>[0-9]{2}\.[0-9]{2})/"),
     {"feeds": "news", "berita": "news"}),
)


def module_of(path):
    """(region code, module) a path serves, or None for a path of no one module."""
    for pattern, parts in PATHS:
        found = pattern.match(path)
        if found and found["part"] in parts:
            return found["code"], parts[found["part"]]
    return None


def check_module(path):
    """Raise NotFound when `path` belongs to a module its region does not offer."""
    served = module_of(path)
    if served is None:
        return
    try:
        region = get_region(served[0])
    except DomainError:
        return  # the route answers an unknown region itself
    if not shows(region, served[1]):
        raise NotFound(f"region {region.code} does not offer {served[1]}",
                       {"field": "module", "code": "module_not_offered", "module": served[1],
                        "region": region.code, "region_name": region.name})
