"""The region chooser: `/` (straight to the region chosen before) and the choice itself,
remembered in a cookie."""
from services.gateway.web.pages import page
from services.gateway.web.templating import goto, render
from services.servicekit.regions import all_regions, get_region

REGION_COOKIE = "wilayah"  # the region a citizen last chose, for `/`
REGION_COOKIE_AGE = 365 * 24 * 3600


class RegionPages:
    @page("GET", "/", statuses=(303,))
    def home_page(self, request):
        """The region chooser; a region chosen before (cookie) goes straight to its beranda."""
        chosen = request.cookies.get(REGION_COOKIE, "")
        if chosen in {r.code for r in all_regions()}:
            return goto(f"/r/{chosen}/")
        return render("pilih.html", active="pilih")

    @page("GET", "/pilih/<string:code>", statuses=(303,))
    def choose_region(self, request, code):
        """A region chosen at `/` or in the switcher: remembered for `/`, then its beranda.
        (Beranda itself sets no cookie, so caches and the kept page can serve it.)"""
        region = get_region(code)
        response = goto(f"/r/{region.code}/")
        response.set_cookie(REGION_COOKIE, region.code, max_age=REGION_COOKIE_AGE, samesite="Lax",
                            secure=request.scheme == "https", httponly=True)
        return response

