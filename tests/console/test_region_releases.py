"""Each region's last-seen release, on a running platform with the real broker: the hub's
services announce theirs as they start, the registry records it, GET /api/v1/regions/<code>
and the platform operator's console show it; a region announcing a release outside the
supported window (N and N-1) is shown with a warning."""
import pytest

from services.servicekit.announce import announcement
from services.servicekit.release import RELEASE
from tests.helpers import wait_for
from tests.partners.support import publish_raw, publish_shared

HOST, OLD_REGION = "36.71", "36.02"


def release_of(http, platform, code):
    return http.get(f"{platform.url}/api/v1/regions/{code}", timeout=10).json()["release"]


@pytest.mark.timeout(150)
def test_a_services_start_is_recorded_as_its_regions_release(platform, http):
    def every_service_heard():
        seen = release_of(http, platform, HOST)
        return seen if seen and len(seen["services"]) == 6 else None
    # the gateway (the registry) starts last: the others are heard at their next round (60 s)
    seen = wait_for(every_service_heard, seconds=80, what="the hub's six services' announcements recorded")
    assert seen["release"] == RELEASE and seen["supported"] is True
    assert {s["service"] for s in seen["services"]} == {"aspirasi", "gateway", "prices", "news", "pencaker",
                                                       "notifications"}
    assert seen["contracts"]["release_announced"] == 1


@pytest.mark.timeout(90)
def test_a_region_outside_the_supported_window_is_warned_about(platform, http, accounts):
    old = announcement("aspirasi", OLD_REGION)
    old["payload"]["release"] = "0.1.0"  # a forged (or simply very old) release
    publish_shared(platform.env["AMQP_URI"], old)
    seen = wait_for(lambda: release_of(http, platform, OLD_REGION), seconds=20, what="0.1.0 recorded")
    assert seen["release"] == "0.1.0" and seen["supported"] is False
    console, _ = accounts.session("platform_operator")
    page = console.get(f"{platform.url}/petugas/platform", timeout=10)
    assert page.status_code == 200
    assert 'id="rilis-di-luar"' in page.text and "rilis 0.1.0" in page.text
    assert "di luar jendela dukungan" in page.text and "<th scope=\"col\">Rilis</th>" in page.text


@pytest.mark.timeout(60)
def test_an_announcement_for_another_region_than_its_key_is_not_recorded(platform, http):
    forged = announcement("prices", "36.03")
    forged["payload"]["release"] = "9.9.9"
    publish_raw(platform.env["AMQP_URI"], forged, "tangerang.shared", "prices.release_announced.36.74")
    honest = announcement("prices", "36.73")
    publish_shared(platform.env["AMQP_URI"], honest)
    wait_for(lambda: release_of(http, platform, "36.73"), seconds=20, what="the honest one recorded")
    assert release_of(http, platform, "36.03") is None and release_of(http, platform, "36.74") is None
